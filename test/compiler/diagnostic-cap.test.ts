import { describe, expect, it } from "vitest";
import { runCli, writeSpecSet } from "../../src/testing/spec-fixtures.ts";

/** A System whose `count` operations each lack method, path and effect: three errors apiece. */
const flawedSystem = (name: string, count: number) =>
  `apiVersion: syncspec.dev/v1
kind: System
metadata: { name: ${name} }
spec:
  role: psa
  baseUrl: { env: PSA_URL }
  auth: { type: bearer, token: { secret: psa-token } }
  operations:
${Array.from({ length: count }, (_, i) => `    op${i}: {}`).join("\n")}
`;

/** Six files of 300 errors each: 1,800 in all. */
const FLOOD = Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`s${i}.yaml`, flawedSystem(`psa${i}`, 100)]));

describe("a flood of diagnostics", () => {
  it("prints at most 200 per file and 1,000 in all, then says how many more there are", async () => {
    const result = await runCli(["validate", "."], writeSpecSet(FLOOD));
    expect(result.code).toBe(1);
    const headings = result.stdout.split("\n").filter((l) => / - error /.test(l));
    expect(headings).toHaveLength(1000);
    const perFile = new Map<string, number>();
    for (const h of headings) perFile.set(h.split(":")[0]!, (perFile.get(h.split(":")[0]!) ?? 0) + 1);
    expect([...perFile.values()]).toEqual([200, 200, 200, 200, 200]);
    expect(result.stdout).toContain("… 800 more diagnostics not shown (at most 200 per file and 1000 in all); --format json or sarif counts them all\n");
    expect(result.stdout.trimEnd().split("\n").at(-1)).toBe("Found 1800 errors, 0 warnings in 6 files.");
  }, 30_000);

  it("lists the same diagnostics in JSON with the true totals", async () => {
    const result = await runCli(["validate", ".", "--format", "json"], writeSpecSet(FLOOD));
    const report = JSON.parse(result.stdout) as { diagnostics: unknown[]; summary: Record<string, number> };
    expect(report.diagnostics).toHaveLength(1000);
    expect(report.summary).toEqual({ errors: 1800, warnings: 0, infos: 0, hints: 0, omitted: 800 });
  }, 30_000);

  it("carries the true totals in the SARIF run's properties", async () => {
    const result = await runCli(["validate", ".", "--format", "sarif"], writeSpecSet(FLOOD));
    const log = JSON.parse(result.stdout) as { runs: { results: unknown[]; properties: { totals: Record<string, number> } }[] };
    expect(log.runs[0]?.results).toHaveLength(1000);
    expect(log.runs[0]?.properties.totals).toEqual({ errors: 1800, warnings: 0, infos: 0, hints: 0, omitted: 800 });
  }, 30_000);

  it("prints everything, with no omission line, under the caps", async () => {
    const result = await runCli(["validate", "."], writeSpecSet({ "a.yaml": flawedSystem("psa", 10) }));
    expect(result.stdout.split("\n").filter((l) => / - error /.test(l))).toHaveLength(30);
    expect(result.stdout).not.toContain("not shown");
  });
});
