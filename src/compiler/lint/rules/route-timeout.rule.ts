/** Reliability: a route that writes declares how long one attempt may take. */
import { routeRequirementRule } from "./route-requirement.ts";

export const routeTimeoutRule = routeRequirementRule({
  name: "route-timeout",
  description: "Every side-effecting route declares policies.timeout.",
  path: ["spec", "policies", "timeout"],
  missing: "this route delivers to a system but declares no policies.timeout",
  present: (spec) => spec.policies?.timeout !== undefined,
});
