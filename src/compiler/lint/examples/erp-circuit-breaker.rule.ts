/**
 * An example of a firm's own rule written as a TypeScript module. A Policy loads it with
 *
 *   customRules:
 *     - name: erp-circuit-breaker
 *       description: Routes that write to the ERP declare a circuit breaker.
 *       module: ./rules/erp-circuit-breaker.rule.ts
 *
 * The module exports an object with the built-in rule interface; the Policy entry's name,
 * severity and description take precedence over the module's own.
 */
import type { LintRule } from "../rule.ts";

/** Routes that write to a system whose role is `erp` declare `policies.circuitBreaker`. */
export const rule: LintRule = {
  name: "erp-circuit-breaker",
  severity: "warn",
  description: "Routes that write to the ERP declare a circuit breaker, so a failing ERP is not hammered during close.",
  docs: "docs/rules/custom-rules.md",
  category: "custom",
  recommended: true,
  check({ set, report }) {
    for (const route of set.routes.values()) {
      if (route.value.spec.policies?.circuitBreaker !== undefined) continue;
      const writesToErp = JSON.stringify(route.value.spec.steps).match(/"operation":"([A-Za-z][\w-]*)\./g) ?? [];
      const erp = writesToErp.map((m) => m.slice('"operation":"'.length, -1)).find((name) => set.systems.get(name)?.value.spec.role === "erp");
      if (erp === undefined) continue;
      report({ document: route, path: ["spec", "policies"], part: "key", message: `this route writes to ${erp} but declares no policies.circuitBreaker` });
    }
  },
};
