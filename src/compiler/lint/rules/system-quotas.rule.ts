/** API governance: every system declares the quotas its vendor enforces, so the rate limiter is set. */
import { type LintRule, ruleDocs } from "../rule.ts";

export const systemQuotasRule: LintRule = {
  name: "system-quotas",
  severity: "error",
  description: "Every system declares its API quotas (requests per minute, and burst or concurrency where the vendor sets them).",
  docs: ruleDocs("system-quotas"),
  category: "api",
  recommended: true,
  rationale:
    "Vendors enforce rate limits (Xero: 60 calls a minute, 5,000 a day). The runtime sets its rate limiter and concurrency from the declared quotas; without them it finds the limits by being throttled.",
  examples: {
    failing: "spec:\n  role: erp\n  auth: { type: api-key, header: X-Api-Key, key: { secret: erp/key } }",
    passing: "spec:\n  role: erp\n  auth: { type: api-key, header: X-Api-Key, key: { secret: erp/key } }\n  quotas: { requestsPerMinute: 60, concurrency: 5, requestsPerDay: 5000 }",
  },
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
