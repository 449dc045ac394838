/** Reliability: a route that writes declares a bounded retry policy. */
import { routeRequirementRule } from "./route-requirement.ts";

export const routeRetryRule = routeRequirementRule({
  name: "route-retry",
  description: "Every side-effecting route declares policies.retry with a bounded number of attempts.",
  path: ["spec", "policies", "retry"],
  missing: "this route delivers to a system but declares no policies.retry (maxAttempts, backoff, delays)",
  rationale:
    "Target systems fail transiently: rate limits, deploys, timeouts. A route that writes must say how it retries, with a bounded number of attempts, so failures neither get lost nor retried forever.",
  examples: {
    failing: "policies:\n  timeout: 30s",
    passing: "policies:\n  retry: { maxAttempts: 8, backoff: exponential, initialDelay: 1s, maxDelay: 5m, jitter: full }\n  timeout: 30s",
  },
  present: (spec) => spec.policies?.retry !== undefined,
});
