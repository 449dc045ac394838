import type { RuleTable } from "../lint-helpers.ts";
import { cases, cleanSet } from "./cases.ts";

/** The table of route-ordering-key: spec sets it accepts and rejects, with the exact findings. */
export const table: RuleTable = {
  rule: "route-ordering-key",
  rows: [
    {
      name: "accepts an updating route with an ordering key",
      files: cleanSet,
      expected: [],
    },
    {
      name: "reports an updating route without one",
      files: cases.noOrderingKey,
      expected: [
        { code: "route-ordering-key", message: "this route updates records through erp.upsertTime but declares no orderingKey: changes to one record could apply out of order", at: "specs/routes/time-to-erp.yaml:8:1" },
      ],
    },
  ],
};
