/** Reliability: a route that writes names the queue people work and the team that owns it. */
import { routeRequirementRule } from "./route-requirement.ts";

export const routeExceptionOwnerRule = routeRequirementRule({
  name: "route-exception-owner",
  description: "Every side-effecting route declares policies.exceptions with the owning team.",
  path: ["spec", "policies", "exceptions"],
  missing: "this route delivers to a system but declares no policies.exceptions queue and owner",
  rationale:
    "Some failures need a decision, not a retry (a missing rate card, a closed period). They land in an exception queue, and a queue without an owning team is a queue nobody works.",
  examples: {
    failing: "policies:\n  deadLetter: { queue: time-dlq }",
    passing: "policies:\n  deadLetter: { queue: time-dlq }\n  exceptions: { queue: time-exceptions, owner: finance-ops, sla: 1d }",
  },
  present: (spec) => spec.policies?.exceptions !== undefined,
});
