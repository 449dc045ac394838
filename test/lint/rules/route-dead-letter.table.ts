import type { RuleTable } from "../lint-helpers.ts";
import { cases, cleanSet } from "./cases.ts";

/** The table of route-dead-letter: spec sets it accepts and rejects, with the exact findings. */
export const table: RuleTable = {
  rule: "route-dead-letter",
  rows: [
    {
      name: "accepts a writing route with a dead-letter queue",
      files: cleanSet,
      expected: [],
    },
    {
      name: "reports a writing route without one",
      files: cases.noDeadLetter,
      expected: [
        { code: "route-dead-letter", message: "this route delivers to a system but declares no policies.deadLetter: an event that exhausts its retries would be lost", at: "specs/routes/time-to-erp.yaml:15:3" },
      ],
    },
  ],
};
