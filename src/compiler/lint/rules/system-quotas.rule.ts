/** API governance: every system declares the quotas its vendor enforces, so the rate limiter is set. */
import { type LintRule, ruleDocs } from "../rule.ts";

export const systemQuotasRule: LintRule = {
  name: "system-quotas",
  severity: "error",
  description: "Every system declares its API quotas (requests per minute, and burst or concurrency where the vendor sets them).",
  docs: ruleDocs("system-quotas"),
  category: "api",
  recommended: true,
  check({ set, report }) {
    for (const system of set.systems.values()) {
      if (system.value.spec.quotas !== undefined) continue;
      report({
        document: system,
        path: ["spec", "quotas"],
        part: "key",
        message: `system ${system.name} declares no quotas: the runtime cannot keep to the vendor's rate limits`,
      });
    }
  },
};
