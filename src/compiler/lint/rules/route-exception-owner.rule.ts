/** Reliability: a route that writes names the queue people work and the team that owns it. */
import { routeRequirementRule } from "./route-requirement.ts";

export const routeExceptionOwnerRule = routeRequirementRule({
  name: "route-exception-owner",
  description: "Every side-effecting route declares policies.exceptions with the owning team.",
  path: ["spec", "policies", "exceptions"],
  missing: "this route delivers to a system but declares no policies.exceptions queue and owner",
  present: (spec) => spec.policies?.exceptions !== undefined,
});
