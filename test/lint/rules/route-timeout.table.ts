import type { RuleTable } from "../lint-helpers.ts";
import { cases, cleanSet } from "./cases.ts";

/** The table of route-timeout: spec sets it accepts and rejects, with the exact findings. */
export const table: RuleTable = {
  rule: "route-timeout",
  rows: [
    {
      name: "accepts a writing route with a timeout",
      files: cleanSet,
      expected: [],
    },
    {
      name: "reports a writing route without one",
      files: cases.noTimeout,
      expected: [
        { code: "route-timeout", message: "this route delivers to a system but declares no policies.timeout", at: "specs/routes/time-to-erp.yaml:15:3" },
      ],
    },
  ],
};
