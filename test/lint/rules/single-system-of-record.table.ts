import type { RuleTable } from "../lint-helpers.ts";
import { cases, cleanSet } from "./cases.ts";

/** The table of single-system-of-record: spec sets it accepts and rejects, with the exact findings. */
export const table: RuleTable = {
  rule: "single-system-of-record",
  rows: [
    {
      name: "accepts an entity with one Ownership",
      files: cleanSet,
      expected: [],
    },
    {
      name: "reports an entity no Ownership governs",
      files: cases.noOwnership,
      expected: [
        { code: "single-system-of-record", message: "entity TimeEntry has no Ownership naming its system of record", at: "specs/entities/time-entry.yaml:4:9" },
      ],
    },
    {
      name: "reports a field owned by one system inside a field owned by another",
      files: cases.nestedOwners,
      expected: [
        { code: "single-system-of-record", message: "field 'rates.bill' is owned by psa but its parent 'rates' by erp: one field, two systems of record", at: "specs/ownership/time-entry.yaml:16:35" },
      ],
    },
  ],
};
