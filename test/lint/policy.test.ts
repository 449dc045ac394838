import { describe, expect, it } from "vitest";
import { edit, lintFiles, policyFile } from "./lint-helpers.ts";
import { cases, paths } from "./rules/cases.ts";

const exception = (expires: string) =>
  policyFile(`  exceptions:
    - rule: route-timeout
      target: Route/time-to-erp
      reason: The ERP adapter sets its own socket timeout until 2.0.
      expires: "${expires}"
`);

describe("the policy", () => {
  it("sets a rule's severity", async () => {
    const { raw } = await lintFiles({ ...cases.noTimeout, ...policyFile("  rules:\n    route-timeout: warn\n") });
    expect(raw.map((d) => [d.code, d.severity])).toEqual([["route-timeout", "warn"]]);
  });

  it("turns a rule off", async () => {
    const { findings } = await lintFiles({ ...cases.noTimeout, ...policyFile("  rules:\n    route-timeout: { severity: off }\n") });
    expect(findings).toEqual([]);
  });

  it("raises warnings to errors under strict", async () => {
    const { raw } = await lintFiles({ ...cases.noOrderingKey, ...policyFile("  extends: strict\n") });
    expect(raw.map((d) => [d.code, d.severity])).toEqual([["route-ordering-key", "error"]]);
  });

  it("applies an override only to the files its globs match", async () => {
    const override = (glob: string) => policyFile(`  overrides:\n    - files: ["${glob}"]\n      rules: { route-timeout: off }\n`);
    expect((await lintFiles({ ...cases.noTimeout, ...override("specs/routes/**") })).findings).toEqual([]);
    expect((await lintFiles({ ...cases.noTimeout, ...override("specs/systems/*.yaml") })).findings.map((f) => f.code)).toEqual(["route-timeout"]);
  });

  it("passes a rule's options and the naming patterns to the rules", async () => {
    const files = { ...cases.numberAmount, ...policyFile('  rules:\n    money-decimal: { options: { pattern: "^price$" } }\n') };
    expect((await lintFiles(files)).findings).toEqual([]);
  });

  it("drops a finding its exception covers until the exception expires", async () => {
    const files = { ...cases.noTimeout, ...exception("2026-12-31") };
    expect((await lintFiles(files, { today: "2026-12-31" })).findings).toEqual([]);
  });

  it("reports an expired exception, at its date, and the finding it no longer covers", async () => {
    const { findings } = await lintFiles({ ...cases.noTimeout, ...exception("2026-12-31") }, { today: "2027-01-01" });
    expect(findings).toEqual([
      {
        code: "expired-exception",
        message: "the exception to route-timeout for Route/time-to-erp expired on 2026-12-31: fix the finding or renew the exception with a reason",
        at: "specs/policy.yaml:13:16",
      },
      { code: "route-timeout", message: "this route delivers to a system but declares no policies.timeout", at: "specs/routes/time-to-erp.yaml:15:3" },
    ]);
  });

  it("reports a rule name it does not know, with a suggestion", async () => {
    const { findings } = await lintFiles({ ...cases.noTimeout, ...policyFile("  rules:\n    route-timeot: off\n") });
    expect(findings[0]).toEqual({ code: "unknown-rule", message: "unknown lint rule 'route-timeot'; did you mean 'route-timeout'?", at: "specs/policy.yaml:10:5" });
  });

  it("reports a naming pattern that is not a regular expression, and keeps the default", async () => {
    const { findings } = await lintFiles({ ...cases.badName, ...policyFile('  naming:\n    Route: "^[a-z("\n') });
    expect(findings.map((f) => `${f.code} ${f.at}`)).toEqual(["invalid-value specs/policy.yaml:10:12", "naming specs/routes/time-to-erp.yaml:4:9"]);
    expect(findings[0]?.message).toMatch(/^spec\.naming\.Route is not a valid regular expression \(/);
  });

  it("uses the Policy the project file names", async () => {
    const files = {
      ...edit(cases.noTimeout, paths.ROUTE, "name: time-to-erp", "name: time-to-erp"),
      ...policyFile("  rules:\n    route-timeout: off\n"),
      "syncspec.yaml": "specs: [specs]\npolicy: governance\n",
    };
    expect((await lintFiles(files)).findings).toEqual([]);
    const other = { ...files, "syncspec.yaml": "specs: [specs]\npolicy: elsewhere\n" };
    expect((await lintFiles(other)).findings.map((f) => `${f.code}: ${f.message}`)).toEqual([
      "unknown-policy: the project file names policy 'elsewhere', but no Policy document has that name",
      "route-timeout: this route delivers to a system but declares no policies.timeout",
    ]);
  });
});
