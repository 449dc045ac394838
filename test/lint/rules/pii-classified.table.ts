import { type RuleTable, policyFile } from "../lint-helpers.ts";
import { cases, cleanSet } from "./cases.ts";

/** The table of pii-classified: spec sets it accepts and rejects, with the exact findings. */
export const table: RuleTable = {
  rule: "pii-classified",
  rows: [
    {
      name: "is off in recommended",
      files: cases.unclassifiedEmail,
      expected: [],
    },
    {
      name: "accepts classified fields under strict",
      files: { ...cleanSet, ...policyFile("  extends: strict\n") },
      expected: [],
    },
    {
      name: "reports an unclassified email field under strict",
      files: { ...cases.unclassifiedEmail, ...policyFile("  extends: strict\n") },
      expected: [
        { code: "pii-classified", message: "TimeEntry.approverEmail looks like personal data but has no classification", at: "specs/entities/time-entry.yaml:15:5" },
      ],
    },
  ],
};
