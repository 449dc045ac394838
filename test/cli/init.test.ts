import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli, writeSpecSet } from "../../src/testing/spec-fixtures.ts";

describe("spec init", () => {
  it("writes a project that validates cleanly, each file pointing the editor at its schema", async () => {
    const dir = writeSpecSet({});
    const init = await runCli(["init"], dir);
    expect(init.code).toBe(0);
    expect(init.stdout).toMatch(/created specs\/systems\/psa\.yaml/);
    const validate = await runCli(["validate"], dir);
    expect(validate.stdout).toBe("");
    expect(validate.code).toBe(0);
    const first = readFileSync(join(dir, "specs/entities/project.yaml"), "utf8").split("\n")[0];
    expect(first).toMatch(/^# yaml-language-server: \$schema=\.\.\/\.\..*\/schemas\/entity\.schema\.json$/);
  });

  it("refuses to overwrite an existing project and exits 1", async () => {
    const dir = writeSpecSet({ "syncspec.yaml": "specs: [mine]\n" });
    const init = await runCli(["init"], dir);
    expect(init.code).toBe(1);
    expect(init.stderr).toMatch(/not overwriting syncspec\.yaml/);
    expect(readFileSync(join(dir, "syncspec.yaml"), "utf8")).toBe("specs: [mine]\n");
  });

  it("changes nothing in a folder that already has a project, not even its package.json", async () => {
    const manifest = '{ "name": "svc" }\n';
    const dir = writeSpecSet({ "syncspec.yaml": "specs: [mine]\n", "package.json": manifest });
    const init = await runCli(["init"], dir);
    expect(init.code).toBe(1);
    expect(init.stderr).toMatch(/already has a project/);
    expect(readFileSync(join(dir, "package.json"), "utf8")).toBe(manifest);
    expect(readdirSync(dir).sort()).toEqual(["package.json", "syncspec.yaml"]);
  });

  it("writes a package.json with the runtime, the CLI as a development dependency, and the compile, check and test scripts", async () => {
    const dir = writeSpecSet({});
    const init = await runCli(["init"], dir);
    expect(init.code).toBe(0);
    const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
    const version = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")).version;
    expect(manifest.type).toBe("module");
    expect(manifest.dependencies).toEqual({ syncspec: `^${version}` });
    expect(manifest.devDependencies).toEqual({ "@syncspec/cli": `^${version}` });
    expect(manifest.scripts).toEqual({ compile: "spec compile", check: "spec compile --check && spec lint", test: "spec test" });
  });

  it("starts a spec set that compiles to JavaScript with declarations, its route delivering to the ERP", async () => {
    const dir = writeSpecSet({});
    expect((await runCli(["init"], dir)).code).toBe(0);
    const compile = await runCli(["compile"], dir);
    expect(compile.stderr).not.toMatch(/error|warning/);
    expect(compile.code).toBe(0);
    for (const file of ["index.js", "index.d.ts", "routes/project-to-erp.js", "routes/project-to-erp.d.ts"]) expect(existsSync(join(dir, "generated", file))).toBe(true);
    expect(existsSync(join(dir, "generated/index.ts"))).toBe(false);
    expect(readFileSync(join(dir, "generated/routes/project-to-erp.js"), "utf8")).toContain('operation: "createProject"');
    const tests = await runCli(["test"], dir);
    expect(tests.code).toBe(0);
  });

  it("adds what is missing to a service's own package.json and keeps what is there", async () => {
    const dir = writeSpecSet({ "package.json": JSON.stringify({ name: "billing-sync", scripts: { test: "vitest run" }, dependencies: { pg: "^8.0.0" } }) });
    const init = await runCli(["init"], dir);
    expect(init.code).toBe(0);
    expect(init.stdout).toMatch(/updated package\.json/);
    expect(init.stdout).toMatch(/kept your own scripts\.test/);
    const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
    expect(manifest.name).toBe("billing-sync");
    expect(manifest.type).toBe("module");
    expect(manifest.scripts).toEqual({ test: "vitest run", compile: "spec compile", check: "spec compile --check && spec lint" });
    expect(Object.keys(manifest.dependencies)).toEqual(["pg", "syncspec"]);
    expect(Object.keys(manifest.devDependencies)).toEqual(["@syncspec/cli"]);
  });

  it("refuses a CommonJS package and an unreadable package.json, writing nothing", async () => {
    for (const manifest of ['{ "type": "commonjs" }', "{ not json"]) {
      const dir = writeSpecSet({ "package.json": manifest });
      const init = await runCli(["init"], dir);
      expect(init.code).toBe(1);
      expect(init.stderr).toMatch(/spec init: package\.json .*; nothing was written/);
      expect(readdirSync(dir)).toEqual(["package.json"]);
      expect(readFileSync(join(dir, "package.json"), "utf8")).toBe(manifest);
    }
  });
});
