/** Reliability: a route that writes declares a bounded retry policy. */
import { routeRequirementRule } from "./route-requirement.ts";

export const routeRetryRule = routeRequirementRule({
  name: "route-retry",
  description: "Every side-effecting route declares policies.retry with a bounded number of attempts.",
  path: ["spec", "policies", "retry"],
  missing: "this route delivers to a system but declares no policies.retry (maxAttempts, backoff, delays)",
  present: (spec) => spec.policies?.retry !== undefined,
});
