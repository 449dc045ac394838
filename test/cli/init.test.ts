import { readFileSync } from "node:fs";
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
});
