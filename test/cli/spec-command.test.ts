import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { projectRoot } from "../../src/testing/environment.ts";
import { runCli, writeSpecSet } from "../../src/testing/spec-fixtures.ts";

const bin = join(projectRoot, "bin", "spec.mjs");

function spec(args: string[], cwd: string) {
  const result = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("the spec command", () => {
  it("prints tsc-style diagnostics with a code frame and exits 1, with no stack trace", () => {
    const dir = writeSpecSet({ "a.yaml": "apiVersion: syncspec.dev/v1\nkind: Entty\nmetadata: { name: x }\nspec: {}\n" });
    const { code, stdout, stderr } = spec(["validate", "."], dir);
    expect(code).toBe(1);
    expect(stderr).toBe("");
    expect(stdout).toBe(
      [
        "a.yaml:2:7 - error unknown-kind: unknown kind 'Entty'; did you mean 'Entity'? (kinds: System, Entity, Ownership, Mapping, Route, Reconciliation, Policy)",
        "",
        "2 kind: Entty",
        "        ~~~~~",
        "",
        "Found 1 error, 0 warnings in 1 file.",
        "",
      ].join("\n"),
    );
  });

  it("exits 2 with the usage on an unknown flag", async () => {
    const result = await runCli(["validate", "--frobnicate"], projectRoot);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/unknown option '--frobnicate'; the options are --format/);
    expect(result.stderr).toMatch(/usage: spec validate/);
  });

  it("exits 2 on an unknown format", async () => {
    const result = await runCli(["validate", "--format", "xml"], projectRoot);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/unknown format 'xml'; use one of stylish, json/);
  });

  it("exits 2 on an unknown command and lists the commands", async () => {
    const result = await runCli(["valdiate"], projectRoot);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/unknown command 'valdiate'/);
    expect(result.stderr).toMatch(/validate/);
  });

  it("prints no colour codes when the output is not a terminal", async () => {
    const dir = writeSpecSet({ "a.yaml": "" });
    const result = await runCli(["validate", "."], dir);
    expect(result.stdout).not.toMatch(/\x1b\[/);
  });

  it("finds the project file by walking up from a subfolder", async () => {
    const dir = writeSpecSet({
      "syncspec.yaml": "specs: [defs]\n",
      "defs/a.yaml": "",
      "sub/deeper/.keep": "",
    });
    const result = await runCli(["validate", "--format", "json"], join(dir, "sub", "deeper"));
    const report = JSON.parse(result.stdout) as { diagnostics: { code: string; file: string }[] };
    expect(report.diagnostics).toEqual([expect.objectContaining({ code: "empty-file" })]);
    expect(report.diagnostics[0]?.file).toMatch(/defs\/a\.yaml$/);
  });

  it("reports a mistake in the project file at its line", async () => {
    const dir = writeSpecSet({ "syncspec.yaml": "specs: [specs]\nouput: gen\n", "specs/a.yaml": "" });
    const result = await runCli(["validate", "--format", "json"], dir);
    const report = JSON.parse(result.stdout) as { diagnostics: { code: string; message: string; line: number; file: string }[] };
    expect(report.diagnostics).toContainEqual(expect.objectContaining({ code: "unknown-key", line: 2, file: "syncspec.yaml" }));
    expect(result.code).toBe(1);
  });
});
