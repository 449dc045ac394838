/**
 * The firm's own rule, as a TypeScript module the governance Policy loads: routes that write to
 * the ERP declare a circuit breaker, so a failing ERP is not hammered during the month-end close.
 */
import type { LintRule } from "../../../src/compiler/lint/rule.ts";

type StepLike = { deliver?: { operation: string }; branch?: { steps: StepLike[] }[] };

/** The systems a route's steps deliver to, branches included. */
function targets(steps: readonly StepLike[]): string[] {
  return steps.flatMap((step) => [
    ...(step.deliver === undefined ? [] : [step.deliver.operation.split(".")[0] ?? ""]),
    ...(step.branch ?? []).flatMap((branch) => targets(branch.steps)),
  ]);
}

export const rule: LintRule = {
  name: "erp-circuit-breaker",
  severity: "error",
  description: "Routes that write to the ERP declare a circuit breaker, so a failing ERP is not hammered during close.",
  docs: "docs/rules/custom-rules.md",
  category: "custom",
  recommended: true,
  check({ set, report }) {
    for (const route of set.routes.values()) {
      if (route.value.spec.policies?.circuitBreaker !== undefined) continue;
      const erp = targets(route.value.spec.steps as StepLike[]).find((name) => set.systems.get(name)?.value.spec.role === "erp");
      if (erp !== undefined) {
        report({ document: route, path: ["spec", "policies"], part: "key", message: `this route writes to ${erp} but declares no policies.circuitBreaker` });
      }
    }
  },
};
