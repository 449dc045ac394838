import type { RuleTable } from "../lint-helpers.ts";
import { cases, cleanSet } from "./cases.ts";

/** The table of create-allowed: spec sets it accepts and rejects, with the exact findings. */
export const table: RuleTable = {
  rule: "create-allowed",
  rows: [
    {
      name: "accepts an upsert into a system allowed to create",
      files: cleanSet,
      expected: [],
    },
    {
      name: "reports an upsert into a system not allowed to create",
      files: cases.createNotAllowed,
      expected: [
        { code: "create-allowed", message: "this step creates TimeEntry records in erp, but only psa may create them", at: "specs/routes/time-to-erp.yaml:14:29" },
      ],
    },
  ],
};
