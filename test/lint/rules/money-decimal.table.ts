import type { RuleTable } from "../lint-helpers.ts";
import { cases, cleanSet } from "./cases.ts";

/** The table of money-decimal: spec sets it accepts and rejects, with the exact findings. */
export const table: RuleTable = {
  rule: "money-decimal",
  rows: [
    {
      name: "accepts money and decimal amounts",
      files: cleanSet,
      expected: [],
    },
    {
      name: "reports an amount typed number",
      files: cases.numberAmount,
      expected: [
        { code: "money-decimal", message: "TimeEntry.billAmount is a number (a binary float); amounts must be 'money' or 'decimal'", at: "specs/entities/time-entry.yaml:13:25" },
      ],
    },
  ],
};
