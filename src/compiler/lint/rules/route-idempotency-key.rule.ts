/** Reliability: a route that writes declares which payload fields identify one business event. */
import { routeRequirementRule } from "./route-requirement.ts";

export const routeIdempotencyKeyRule = routeRequirementRule({
  name: "route-idempotency-key",
  description: "Every side-effecting route declares an idempotencyKey, so a redelivered event posts once.",
  path: ["spec", "idempotencyKey"],
  missing: "this route delivers to a system but declares no idempotencyKey: a redelivered event would post twice",
  present: (spec) => spec.idempotencyKey !== undefined,
});
