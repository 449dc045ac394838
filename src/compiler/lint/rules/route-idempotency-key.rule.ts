/** Reliability: a route that writes declares which payload fields identify one business event. */
import { routeRequirementRule } from "./route-requirement.ts";

export const routeIdempotencyKeyRule = routeRequirementRule({
  name: "route-idempotency-key",
  description: "Every side-effecting route declares an idempotencyKey, so a redelivered event posts once.",
  path: ["spec", "idempotencyKey"],
  missing: "this route delivers to a system but declares no idempotencyKey: a redelivered event would post twice",
  rationale:
    "Webhooks are delivered at least once and replays happen. Without a key that identifies the business event, the runtime cannot tell a redelivery from a new event and posts twice.",
  examples: {
    failing: "spec:\n  trigger: { event: psa.timeApproved }\n  steps:\n    - deliver: { operation: erp.postCost }",
    passing: "spec:\n  trigger: { event: psa.timeApproved }\n  idempotencyKey: [timeEntryId, approvedDateUtc]\n  steps:\n    - deliver: { operation: erp.postCost }",
  },
  present: (spec) => spec.idempotencyKey !== undefined,
});
