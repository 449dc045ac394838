/**
 * The time-to-revenue workflow written in the DSL (its route, mappings and ownership, as
 * `spec fmt --to dsl` prints them): each file lowers to exactly the model of its YAML original,
 * and the spec set with the DSL files in place of the YAML validates with no diagnostic.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { createSourceFile } from "../../src/compiler/diagnostics/source-file.ts";
import { parseDsl } from "../../src/compiler/parse/dsl/parse-dsl.ts";
import { parseYaml } from "../../src/compiler/parse/yaml/parse-yaml.ts";
import { loadProgram } from "../../src/compiler/program.ts";
import { discoverSpecFiles } from "../../src/compiler/sources.ts";
import { projectRoot } from "../../src/testing/environment.ts";

const fixtures = join(projectRoot, "test", "dsl", "fixtures", "time-to-revenue");
const dslFiles = readdirSync(fixtures, { recursive: true, encoding: "utf8" })
  .filter((f) => f.endsWith(".sync"))
  .sort();
const originalOf = (f: string) => join(projectRoot, "specs", f.replace(/\.sync$/, ".yaml"));

describe("the time-to-revenue workflow in the DSL", () => {
  it("has the route, its mappings and the ownership of time entries", () => {
    expect(dslFiles).toContain(join("routes", "time-to-revenue.sync"));
    expect(dslFiles).toContain(join("ownership", "time-entry.sync"));
    expect(dslFiles.filter((f) => f.startsWith("mappings")).length).toBeGreaterThanOrEqual(4);
  });

  for (const f of dslFiles) {
    it(`lowers ${f} to the same model as its YAML original`, () => {
      const [dslDocs, dslErrors] = parseDsl(createSourceFile(f, readFileSync(join(fixtures, f), "utf8")));
      expect(dslErrors).toEqual([]);
      const [yamlDocs] = parseYaml(createSourceFile(f, readFileSync(originalOf(f), "utf8")));
      expect(dslDocs.map((d) => d.value)).toEqual(yamlDocs.map((d) => d.value));
    });
  }

  it("validates as one set with the YAML of the example specs, with no diagnostic", () => {
    const replaced = new Set(dslFiles.map(originalOf));
    const [yamlFiles] = discoverSpecFiles([join(projectRoot, "specs")], projectRoot);
    const paths = [...yamlFiles.filter((p) => !replaced.has(p)), ...dslFiles.map((f) => join(fixtures, f))];
    const program = loadProgram({ cwd: projectRoot, paths });
    expect(program.diagnostics.map((d) => `${relative(projectRoot, d.location?.file.path ?? "")}: ${d.code} ${d.message}`)).toEqual([]);
    expect(program.set.routes.has("time-to-revenue")).toBe(true);
    expect(program.documents.filter((d) => d.file.path.endsWith(".sync")).length).toBe(dslFiles.length);
  });
});
