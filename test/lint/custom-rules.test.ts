import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { cleanSet, lintFiles, policyFile } from "./lint-helpers.ts";

const moduleRule = `export const rule = {
  name: "routes-name-a-queue",
  severity: "warn",
  description: "Dead-letter queues end in -dlq.",
  docs: "https://example.com/rules/routes-name-a-queue",
  category: "custom",
  recommended: true,
  check({ set, report, options }) {
    for (const route of set.routes.values()) {
      const queue = route.value.spec.policies?.deadLetter?.queue ?? "";
      if (!queue.endsWith(options.suffix ?? "-dlq")) report({ document: route, path: ["spec", "policies", "deadLetter", "queue"], message: "queue " + queue + " does not end in -dlq" });
    }
  },
};
`;

describe("custom rules", () => {
  it("reports documents of the given kind for which a JSONata assertion is false", async () => {
    const policy = policyFile(`  customRules:
    - name: route-has-sla
      severity: error
      description: Every route states its business SLA.
      given: Route
      assert: $exists(spec.sla.within)
      message: this route states no business SLA
`);
    const { findings, raw } = await lintFiles({ ...cleanSet, ...policy });
    expect(findings).toEqual([{ code: "route-has-sla", message: "this route states no business SLA", at: "specs/routes/time-to-erp.yaml:4:9" }]);
    expect(raw[0]?.severity).toBe("error");
  });

  it("binds the whole model as $model", async () => {
    const policy = policyFile(`  customRules:
    - name: known-owner
      description: Every Ownership names a system of the set.
      given: Ownership
      assert: spec.systemOfRecord in $keys($model.systems)
`);
    expect((await lintFiles({ ...cleanSet, ...policy })).findings).toEqual([]);
  });

  it("runs a TypeScript module rule with its options from the policy", async () => {
    const policy = policyFile(`  rules:
    deadletter-suffix: { options: { suffix: "-dead" } }
  customRules:
    - name: deadletter-suffix
      description: Dead-letter queues end in the firm's suffix.
      module: ./rules/queue.rule.ts
`);
    const { findings, raw } = await lintFiles({ ...cleanSet, ...policy, "specs/rules/queue.rule.ts": moduleRule });
    expect(findings).toEqual([{ code: "deadletter-suffix", message: "queue time-dlq does not end in -dlq", at: "specs/routes/time-to-erp.yaml:18:26" }]);
    expect(raw[0]?.docs).toBe("https://example.com/rules/routes-name-a-queue");
  });

  it("runs the example module rule shipped in src/compiler/lint/examples", async () => {
    const example = resolve(import.meta.dirname, "../../src/compiler/lint/examples/erp-circuit-breaker.rule.ts");
    const policy = policyFile(`  customRules:
    - name: erp-circuit-breaker
      severity: error
      description: Routes that write to the ERP declare a circuit breaker.
      module: ${example}
`);
    const { findings } = await lintFiles({ ...cleanSet, ...policy });
    expect(findings).toEqual([{ code: "erp-circuit-breaker", message: "this route writes to erp but declares no policies.circuitBreaker", at: "specs/routes/time-to-erp.yaml:15:3" }]);
  });

  it("reports a module that cannot be loaded, at its path", async () => {
    const policy = policyFile("  customRules:\n    - name: missing\n      description: Not there.\n      module: ./rules/missing.rule.ts\n");
    const { findings } = await lintFiles({ ...cleanSet, ...policy });
    expect(findings.map((f) => [f.code, f.at])).toEqual([["custom-rule-error", "specs/policy.yaml:12:15"]]);
    expect(findings[0]?.message).toMatch(/^custom rule 'missing': cannot load \.\/rules\/missing\.rule\.ts: /);
  });

  it("reports an assertion that does not parse", async () => {
    const policy = policyFile("  customRules:\n    - name: broken\n      description: Broken.\n      given: Route\n      assert: spec.(\n");
    const { findings } = await lintFiles({ ...cleanSet, ...policy });
    expect(findings.map((f) => [f.code, f.at])).toEqual([["custom-rule-error", "specs/policy.yaml:13:15"]]);
  });

  it("stops a runaway assertion with a finding instead of hanging", async () => {
    const policy = policyFile("  customRules:\n    - name: runaway\n      description: Recurses forever.\n      given: Route\n      assert: ($f := function($n) { $f($n + 1) }; $f(0))\n");
    const { findings } = await lintFiles({ ...cleanSet, ...policy });
    expect(findings.map((f) => [f.code, f.at])).toEqual([["custom-rule-error", "specs/policy.yaml:13:15"]]);
    expect(findings[0]?.message).toMatch(/^custom rule 'runaway': assert failed on Route\/time-to-erp: /);
  });

  it("reports a custom rule that declares both an assertion and a module", async () => {
    const policy = policyFile("  customRules:\n    - name: both\n      description: Both.\n      assert: \"true\"\n      module: ./x.ts\n");
    const { findings } = await lintFiles({ ...cleanSet, ...policy });
    expect(findings).toEqual([
      { code: "custom-rule-error", message: "custom rule 'both': declare either 'assert' (with 'given') or 'module', not both or neither", at: "specs/policy.yaml:10:7" },
    ]);
  });
});
