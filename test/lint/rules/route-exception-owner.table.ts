import type { RuleTable } from "../lint-helpers.ts";
import { cases, cleanSet } from "./cases.ts";

/** The table of route-exception-owner: spec sets it accepts and rejects, with the exact findings. */
export const table: RuleTable = {
  rule: "route-exception-owner",
  rows: [
    {
      name: "accepts a writing route with an owned exception queue",
      files: cleanSet,
      expected: [],
    },
    {
      name: "reports a writing route without one",
      files: cases.noExceptions,
      expected: [
        { code: "route-exception-owner", message: "this route delivers to a system but declares no policies.exceptions queue and owner", at: "specs/routes/time-to-erp.yaml:15:3" },
      ],
    },
  ],
};
