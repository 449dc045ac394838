import { readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.ts";
import { runCli, writeSpecSet } from "../../src/testing/spec-fixtures.ts";
import { writeFixture } from "../runtime/fixture.ts";

/** A fresh project from `spec init`, whose spec set compiles. */
async function project(): Promise<string> {
  const dir = writeSpecSet({});
  expect((await runCli(["init"], dir)).code).toBe(0);
  return dir;
}

interface CompileReport {
  diagnostics: { code: string }[];
  summary: Record<string, number | boolean>;
  [list: string]: unknown;
}

describe("spec compile's output", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await project();
  });

  it("prints one JSON object with the files and a summary on success, nothing on stderr", async () => {
    const result = await runCli(["compile", "--format", "json"], dir);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe("");
    const report = JSON.parse(result.stdout) as CompileReport;
    expect(report.diagnostics).toEqual([]);
    const written = report["written"] as string[];
    expect(written.length).toBeGreaterThan(0);
    expect(report.summary).toMatchObject({ errors: 0, emitted: true, written: written.length, removed: 0 });
    expect(report.summary["files"]).toBe(written.length);
  });

  it("prints JSON for --check too, up to date and stale", async () => {
    expect((await runCli(["compile"], dir)).code).toBe(0);
    const fresh = await runCli(["compile", "--check", "--format", "json"], dir);
    expect(fresh.code).toBe(0);
    expect(fresh.stderr).toBe("");
    expect(JSON.parse(fresh.stdout)).toMatchObject({ missing: [], stale: [], extra: [], summary: { upToDate: true, errors: 0 } });

    const generated = join(dir, "generated");
    const [first] = readdirSync(generated, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
    if (first === undefined) throw new Error("compile wrote nothing");
    writeFileSync(join(first.parentPath, first.name), "// edited by hand\n");
    const stale = await runCli(["compile", "--check", "--format", "json"], dir);
    expect(stale.code).toBe(1);
    const report = JSON.parse(stale.stdout) as CompileReport;
    expect(report["stale"]).toHaveLength(1);
    expect(report.summary).toMatchObject({ upToDate: false, stale: 1, missing: 0, extra: 0 });
    rmSync(join(first.parentPath, first.name));
    const missing = JSON.parse((await runCli(["compile", "--check", "--format", "json"], dir)).stdout) as CompileReport;
    expect(missing.summary).toMatchObject({ upToDate: false, missing: 1 });
  });

  it("prints the human summary on stdout in the stylish format", async () => {
    const result = await runCli(["compile"], dir);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^\d+ file\(s\) generated; \d+ written, 0 removed\n$/);
    expect(result.stderr).toBe("");
    const check = await runCli(["compile", "--check"], dir);
    expect(check.stdout).toMatch(/^\d+ generated file\(s\) are up to date\n$/);
  });

  it("keeps stdout to the format asked for with sarif, and the summary on stderr", async () => {
    const result = await runCli(["compile", "--check", "--format", "sarif"], dir);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ version: "2.1.0" });
    expect(result.stderr).toMatch(/generated file\(s\) are up to date\n$/);
  });

  it("reports errors as a JSON object with nothing emitted", async () => {
    const broken = writeSpecSet({ "specs/a.yaml": "apiVersion: syncspec.dev/v1\nkind: Entty\nmetadata: { name: x }\nspec: {}\n" });
    const result = await runCli(["compile", "--format", "json"], broken);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as CompileReport;
    expect(report.diagnostics.map((d) => d.code)).toEqual(["unknown-kind"]);
    expect(report.summary).toMatchObject({ errors: 1, emitted: false });
  });

  it("shows progress on stderr on a terminal, and erases it", async () => {
    let stderr = "";
    let stdout = "";
    const code = await main(["compile", "--check"], {
      cwd: dir,
      env: { NO_COLOR: "1" },
      isTTY: true,
      stdout: (t) => {
        stdout += t;
      },
      stderr: (t) => {
        stderr += t;
      },
    });
    expect(code).toBe(0);
    const files = readdirSync(join(dir, "specs"), { recursive: true }).filter((p) => String(p).endsWith(".yaml")).length;
    expect(stderr).toContain(`\r\u001b[Kreading specs 1/${files}`);
    expect(stderr).toContain(`reading specs ${files}/${files}`);
    expect(stderr).toMatch(/linting \d+ document\(s\)/);
    expect(stderr.endsWith("\r\u001b[K")).toBe(true);
    expect(stdout).toMatch(/are up to date\n$/);
  });

  it("shows no progress when the output is not a terminal", async () => {
    const result = await runCli(["compile", "--check"], dir);
    expect(result.stderr).toBe("");
  });
});

describe("spec test --properties' output", () => {
  const args = ["test", "--properties", "--route", "project-activation", "--runs", "1", "--seed", "1"];

  it("shows which route it checks on stderr on a terminal, and nothing there otherwise", async () => {
    const dir = writeFixture();
    let stderr = "";
    let stdout = "";
    const io = { cwd: dir, env: { NO_COLOR: "1" }, isTTY: true, stdout: (t: string) => (stdout += t), stderr: (t: string) => (stderr += t) };
    expect(await main(args, io)).toBe(0);
    expect(stderr).toContain("checking project-activation (1/1)");
    expect(stdout).toMatch(/1 route\(s\), \d+ law\(s\)/);
    const piped = await runCli(args, dir);
    expect(piped.stderr).toBe("");
    expect(piped.stdout).toBe(stdout);
  }, 60_000);

  it("ends its JSON with a summary of the laws", async () => {
    const result = await runCli([...args, "--format", "json"], writeFixture());
    const report = JSON.parse(result.stdout) as { summary: Record<string, unknown> };
    expect(Object.keys(report).at(-1)).toBe("summary");
    expect(report.summary).toMatchObject({ passed: true, routes: 1, failed: 0, seed: 1 });
    expect(report.summary["laws"]).toBe((report.summary["held"] as number) + (report.summary["notApplicable"] as number));
  }, 60_000);
});
