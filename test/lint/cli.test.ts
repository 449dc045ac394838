import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import type { CliIo } from "../../src/cli/io.ts";
import { main } from "../../src/cli/main.ts";
import { writeSet } from "./lint-helpers.ts";
import { sarifValidator } from "./sarif-schema.ts";
import { rulePage } from "../../src/compiler/lint/docs.ts";
import { builtInRules } from "../../src/compiler/lint/rules/index.ts";
import { cases, cleanSet } from "./rules/cases.ts";

const repo = resolve(import.meta.dirname, "../..");

async function run(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const io: CliIo = { cwd, stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env: { NO_COLOR: "1" }, isTTY: false };
  const code = await main(args, io);
  return { code, stdout, stderr };
}

describe("spec lint", () => {
  it("lints the example specs with zero findings, as SARIF that validates against the SARIF 2.1.0 schema", async () => {
    const { code, stdout } = await run(["lint", "specs", "--format", "sarif"], repo);
    const log = JSON.parse(stdout);
    const validate = sarifValidator();
    expect(validate(log), JSON.stringify(validate.errors)).toBe(true);
    expect(log.runs[0].results).toEqual([]);
    expect(code).toBe(0);
  });

  it("writes findings as valid SARIF with rule metadata, relative locations and fingerprints", async () => {
    const { code, stdout } = await run(["lint", "--format", "sarif"], writeSet(cases.noTimeout));
    const log = JSON.parse(stdout);
    const validate = sarifValidator();
    expect(validate(log), JSON.stringify(validate.errors)).toBe(true);
    const run0 = log.runs[0];
    expect(run0.tool.driver.rules).toEqual([
      {
        id: "route-timeout",
        name: "route-timeout",
        shortDescription: { text: "Every side-effecting route declares policies.timeout." },
        fullDescription: { text: "Every side-effecting route declares policies.timeout." },
        help: { text: "Every side-effecting route declares policies.timeout. See docs/rules/route-timeout.md." },
        defaultConfiguration: { level: "error" },
        properties: { category: "reliability", docs: "docs/rules/route-timeout.md" },
      },
    ]);
    expect(run0.results[0].locations[0].physicalLocation).toEqual({
      artifactLocation: { uri: "specs/routes/time-to-erp.yaml", uriBaseId: "%SRCROOT%" },
      region: { startLine: 15, startColumn: 3, endLine: 15, endColumn: 11 },
    });
    expect(run0.results[0].partialFingerprints["syncspecFinding/v1"]).toMatch(/^[0-9a-f]{16}$/);
    expect(code).toBe(1);
  });

  it("exits 1 on an error finding and prints it as a GitHub annotation", async () => {
    const { code, stdout } = await run(["lint", "--format", "github"], writeSet(cases.noTimeout));
    expect(stdout).toBe(
      "::error file=specs/routes/time-to-erp.yaml,line=15,col=3,endLine=15,endColumn=11,title=route-timeout::this route delivers to a system but declares no policies.timeout\n",
    );
    expect(code).toBe(1);
  });

  it("fails on warnings only when --fail-severity says so", async () => {
    const root = writeSet(cases.noOrderingKey);
    expect((await run(["lint"], root)).code).toBe(0);
    expect((await run(["lint", "--fail-severity", "warn"], root)).code).toBe(1);
  });

  it("accepts the findings a baseline records and fails on new ones", async () => {
    const root = writeSet(cases.noTimeout);
    const written = await run(["lint", "--write-baseline", "lint-baseline.json"], root);
    expect(written).toMatchObject({ code: 0, stdout: "spec lint: wrote 1 finding to lint-baseline.json\n", stderr: "" });
    expect(existsSync(join(root, "lint-baseline.json"))).toBe(true);
    expect((await run(["lint", "--baseline", "lint-baseline.json"], root)).code).toBe(0);
    const worse = writeSet({ ...cases.noDeadLetter });
    const copy = readFileSync(join(root, "lint-baseline.json"), "utf8");
    writeFileSync(join(worse, "lint-baseline.json"), copy);
    const { code, stdout } = await run(["lint", "--baseline", "lint-baseline.json", "--format", "json"], worse);
    expect(JSON.parse(stdout).diagnostics.map((d: { code: string }) => d.code)).toEqual(["route-dead-letter"]);
    expect(code).toBe(1);
  });

  it("writes JUnit XML with a passing suite per clean file", async () => {
    const { code, stdout } = await run(["lint", "--format", "junit"], writeSet(cleanSet));
    expect(stdout).toContain('<testsuites name="spec lint" tests="6" failures="0" errors="0" time="0">');
    expect(code).toBe(0);
  });

  it("stops at front-end errors with exit 1", async () => {
    const broken = { ...cleanSet, "specs/routes/time-to-erp.yaml": (cleanSet["specs/routes/time-to-erp.yaml"] ?? "").replace("steps:", "stepz:") };
    const { code, stdout } = await run(["lint", "--format", "json"], writeSet(broken));
    expect(JSON.parse(stdout).diagnostics.map((d: { code: string }) => d.code)).toContain("unknown-key");
    expect(code).toBe(1);
  });

  it("exits 2 on an unknown format, rule or code", async () => {
    expect((await run(["lint", "--format", "xml"], repo)).code).toBe(2);
    const { code, stderr } = await run(["lint", "--explain", "route-retyr"], repo);
    expect(stderr).toContain("unknown diagnostic code 'route-retyr'; did you mean 'route-retry'?");
    expect(code).toBe(2);
  });

  it("explains a rule with its page, and the committed pages are current", async () => {
    const { code, stdout } = await run(["lint", "--explain", "no-sync-loop"], repo);
    expect(code).toBe(0);
    expect(stdout).toBe(readFileSync(join(repo, "docs/rules/no-sync-loop.md"), "utf8"));
    expect(stdout).toContain("## Reported");
    for (const rule of builtInRules) expect(readFileSync(join(repo, `docs/rules/${rule.name}.md`), "utf8"), rule.name).toBe(rulePage(rule));
  });
});
