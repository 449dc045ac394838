/**
 * The time-to-revenue workflow of specs/ is written in the DSL (its route, mappings and the
 * ownership of time entries): it validates as one set with the YAML rest, and each file goes
 * DSL -> YAML -> DSL -> YAML with the same YAML both times, through `spec fmt --to`.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { loadProgram } from "../../src/compiler/program.ts";
import { discoverSpecFiles } from "../../src/compiler/sources.ts";
import { projectRoot } from "../../src/testing/environment.ts";
import { runCli } from "./cli.ts";

const specsDir = join(projectRoot, "specs");
const [specFiles] = discoverSpecFiles([specsDir], projectRoot);
const dslFiles = specFiles.filter((f) => f.endsWith(".sync")).map((f) => relative(specsDir, f));

describe("the time-to-revenue workflow in the DSL", () => {
  it("has the route, its mappings and the ownership of time entries", () => {
    expect(dslFiles).toContain(join("routes", "time-to-revenue.sync"));
    expect(dslFiles).toContain(join("ownership", "time-entry.sync"));
    expect(dslFiles.filter((f) => f.startsWith("mappings")).length).toBeGreaterThanOrEqual(4);
  });

  it("validates as one set with the YAML of the example specs, with no diagnostic", () => {
    const program = loadProgram({ cwd: projectRoot, paths: [specsDir] });
    expect(program.diagnostics.map((d) => `${relative(projectRoot, d.location?.file.path ?? "")}: ${d.code} ${d.message}`)).toEqual([]);
    expect(program.documents.filter((d) => d.file.path.endsWith(".sync")).length).toBe(dslFiles.length);
    expect(program.set.routes.get("time-to-revenue")?.source.file.path.endsWith(".sync")).toBe(true);
  });

  for (const f of dslFiles) {
    it(`converts ${f} to YAML, back to the DSL and to YAML again with the same YAML`, async () => {
      // At the depth of specs/<kind>/, so the schema line each printout starts with is the same.
      const scratch = mkdtempSync(join(projectRoot, ".fmt-"));
      const dir = join(scratch, "kind");
      mkdirSync(dir);
      const yaml1 = await runCli(["fmt", "--to", "yaml", join(specsDir, f)]);
      expect(yaml1.code, yaml1.stderr).toBe(0);
      writeFileSync(join(dir, "a.yaml"), yaml1.stdout);
      const dsl = await runCli(["fmt", "--to", "dsl", join(dir, "a.yaml")]);
      expect(dsl.code, dsl.stderr).toBe(0);
      writeFileSync(join(dir, "b.sync"), dsl.stdout);
      const yaml2 = await runCli(["fmt", "--to", "yaml", join(dir, "b.sync")]);
      expect(yaml2.code, yaml2.stderr).toBe(0);
      expect(yaml2.stdout).toBe(yaml1.stdout);
      rmSync(scratch, { recursive: true, force: true });
    });
  }
});
