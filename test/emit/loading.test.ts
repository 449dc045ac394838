import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { projectRoot } from "../../src/testing/environment.ts";
import { scratchProject } from "./helpers.ts";

/**
 * Compiles `dir` in a fresh process (the command line's own loader) and reports whether ts-morph,
 * and with it a whole TypeScript compiler, was loaded: a fresh process is the only place where
 * no other test has loaded it already.
 */
function compileAndReport(dir: string): { files: number | null; tsMorph: boolean } {
  const script = `
    import { createRequire } from "node:module";
    await import(${JSON.stringify(join(projectRoot, "bin", "register.mjs"))});
    const { compileSpecs } = await import(${JSON.stringify(join(projectRoot, "src", "compiler", "emit", "compile.ts"))});
    const result = await compileSpecs(${JSON.stringify(dir)}, []);
    const cache = createRequire(${JSON.stringify(join(projectRoot, "package.json"))}).cache;
    const tsMorph = Object.keys(cache).some((path) => path.includes("/node_modules/ts-morph/"));
    process.stdout.write(JSON.stringify({ files: result.files === undefined ? null : result.files.length, tsMorph }));
  `;
  const child = spawnSync(process.execPath, ["--input-type=module", "-e", script], { cwd: projectRoot, encoding: "utf8" });
  if (child.status !== 0) throw new Error(`compile process failed: ${child.stderr}`);
  return JSON.parse(child.stdout) as { files: number | null; tsMorph: boolean };
}

describe("loading the emitters", () => {
  const valid = scratchProject();
  const broken = scratchProject();
  afterAll(() => {
    valid.dispose();
    broken.dispose();
  });

  it("loads ts-morph once there is something to print", () => {
    const report = compileAndReport(valid.dir);
    expect(report.files).toBeGreaterThan(0);
    expect(report.tsMorph).toBe(true);
  });

  it("does not load ts-morph when an error stops the compile before emitting", () => {
    const routes = join(broken.dir, "specs", "routes.yaml");
    writeFileSync(routes, readFileSync(routes, "utf8").replace("- map: psa-time-to-canonical", "- map: no-such-mapping"));
    const report = compileAndReport(broken.dir);
    expect(report.files).toBeNull();
    expect(report.tsMorph).toBe(false);
  });
});
