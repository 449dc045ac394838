/** Reliability: a route that writes says where events go when retries run out. */
import { routeRequirementRule } from "./route-requirement.ts";

export const routeDeadLetterRule = routeRequirementRule({
  name: "route-dead-letter",
  description: "Every side-effecting route declares policies.deadLetter, so an event that exhausts its retries is kept.",
  path: ["spec", "policies", "deadLetter"],
  missing: "this route delivers to a system but declares no policies.deadLetter: an event that exhausts its retries would be lost",
  rationale:
    "When retries run out the event must go somewhere people can see and replay it; otherwise it is silently lost.",
  examples: {
    failing: "policies:\n  retry: { maxAttempts: 8, backoff: exponential, initialDelay: 1s, maxDelay: 5m }",
    passing: "policies:\n  retry: { maxAttempts: 8, backoff: exponential, initialDelay: 1s, maxDelay: 5m }\n  deadLetter: { queue: time-to-erp-dlq }",
  },
  present: (spec) => spec.policies?.deadLetter !== undefined,
});
