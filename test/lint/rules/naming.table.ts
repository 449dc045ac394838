import { type RuleTable, policyFile } from "../lint-helpers.ts";
import { cases, cleanSet } from "./cases.ts";

/** The table of naming: spec sets it accepts and rejects, with the exact findings. */
export const table: RuleTable = {
  rule: "naming",
  rows: [
    {
      name: "accepts the default patterns",
      files: cleanSet,
      expected: [],
    },
    {
      name: "accepts a name matching the policy's pattern",
      files: { ...cases.badName, ...policyFile('  naming:\n    Route: "^[A-Z][A-Za-z]*$"\n') },
      expected: [],
    },
    {
      name: "reports a name not matching the default pattern",
      files: cases.badName,
      expected: [
        { code: "naming", message: "Route name 'TimeToErp' does not match ^[a-z][a-z0-9-]*$", at: "specs/routes/time-to-erp.yaml:4:9" },
      ],
    },
  ],
};
