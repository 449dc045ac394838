import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { baselineOf, readBaseline, writeBaseline } from "../../src/compiler/lint/baseline.ts";
import { edit, lintFiles } from "./lint-helpers.ts";
import { cases, paths } from "./rules/cases.ts";

describe("baselines", () => {
  it("keep a finding's fingerprint when lines above it move, and report only new findings", async () => {
    const before = await lintFiles(cases.noTimeout);
    const accepted = new Set(baselineOf(before.raw).findings.map((f) => f.fingerprint));
    const shifted = edit(cases.noTimeout, paths.ROUTE, "apiVersion:", "# A comment\n# and another\napiVersion:");
    const worse = edit(shifted, paths.ROUTE, "    deadLetter: { queue: time-dlq }\n", "");
    const after = await lintFiles(worse, { baseline: accepted });
    expect(after.findings.map((f) => `${f.code} ${f.at}`)).toEqual(["route-dead-letter specs/routes/time-to-erp.yaml:17:3"]);
  });

  it("round-trip through a file", async () => {
    const { raw } = await lintFiles(cases.noTimeout);
    const file = join(mkdtempSync(join(tmpdir(), "syncspec-baseline-")), "baseline.json");
    writeBaseline(file, raw);
    expect(JSON.parse(readFileSync(file, "utf8")).findings[0]).toMatchObject({ rule: "route-timeout", target: "Route/time-to-erp" });
    const [fingerprints, errors] = readBaseline(file);
    expect(errors).toEqual([]);
    expect([...fingerprints]).toEqual([raw[0]?.fingerprint]);
  });

  it("report a file that is not a baseline", () => {
    const file = join(mkdtempSync(join(tmpdir(), "syncspec-baseline-")), "baseline.json");
    writeFileSync(file, "{ not json");
    const [, errors] = readBaseline(file);
    expect(errors.map((e) => e.code)).toEqual(["invalid-baseline"]);
    expect(errors[0]?.message).toMatch(/^cannot read the baseline: not JSON/);
  });
});
