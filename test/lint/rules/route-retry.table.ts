import type { RuleTable } from "../lint-helpers.ts";
import { cases, cleanSet } from "./cases.ts";

/** The table of route-retry: spec sets it accepts and rejects, with the exact findings. */
export const table: RuleTable = {
  rule: "route-retry",
  rows: [
    {
      name: "accepts a writing route with a retry policy",
      files: cleanSet,
      expected: [],
    },
    {
      name: "reports a writing route without one, at its policies",
      files: cases.noRetry,
      expected: [
        { code: "route-retry", message: "this route delivers to a system but declares no policies.retry (maxAttempts, backoff, delays)", at: "specs/routes/time-to-erp.yaml:15:3" },
      ],
    },
    {
      name: "reports a writing route without policies, at its spec",
      files: cases.noPolicies,
      expected: [
        { code: "route-retry", message: "this route delivers to a system but declares no policies.retry (maxAttempts, backoff, delays)", at: "specs/routes/time-to-erp.yaml:8:1" },
      ],
    },
  ],
};
