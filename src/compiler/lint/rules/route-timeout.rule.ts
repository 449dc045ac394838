/** Reliability: a route that writes declares how long one attempt may take. */
import { routeRequirementRule } from "./route-requirement.ts";

export const routeTimeoutRule = routeRequirementRule({
  name: "route-timeout",
  description: "Every side-effecting route declares policies.timeout.",
  path: ["spec", "policies", "timeout"],
  missing: "this route delivers to a system but declares no policies.timeout",
  rationale:
    "A call with no timeout can hang a worker and hold an ordering key forever.",
  examples: {
    failing: "policies:\n  retry: { maxAttempts: 8, backoff: exponential, initialDelay: 1s, maxDelay: 5m }",
    passing: "policies:\n  retry: { maxAttempts: 8, backoff: exponential, initialDelay: 1s, maxDelay: 5m }\n  timeout: 30s",
  },
  present: (spec) => spec.policies?.timeout !== undefined,
});
