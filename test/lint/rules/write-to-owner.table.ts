import type { RuleTable } from "../lint-helpers.ts";
import { cases, cleanSet } from "./cases.ts";

/** The table of write-to-owner: spec sets it accepts and rejects, with the exact findings. */
export const table: RuleTable = {
  rule: "write-to-owner",
  rows: [
    {
      name: "accepts a write to a replica",
      files: cleanSet,
      expected: [],
    },
    {
      name: "accepts a field written by one of its allowed updaters",
      files: cases.fieldUpdaterAllowed,
      expected: [],
    },
    {
      name: "accepts a field written to a system that shows a replica of it",
      files: cases.fieldReplicaAllowed,
      expected: [],
    },
    {
      name: "reports a write to a system that neither owns, updates nor replicates the entity",
      files: cases.notAHolder,
      expected: [
        { code: "write-to-owner", message: "this step writes TimeEntry to erp, which is not its system of record (psa), an allowed updater or a replica", at: "specs/routes/time-to-erp.yaml:14:29" },
      ],
    },
    {
      name: "reports a correction's write like the step's own, where the correction calls",
      files: cases.notAHolderCorrected,
      expected: [
        { code: "write-to-owner", message: "this step writes TimeEntry to erp, which is not its system of record (psa), an allowed updater or a replica", at: "specs/routes/time-to-erp.yaml:15:29" },
        { code: "write-to-owner", message: "this step writes TimeEntry to erp, which is not its system of record (psa), an allowed updater or a replica", at: "specs/routes/time-to-erp.yaml:15:80" },
      ],
    },
    {
      name: "reports a field written to a system that does not own it",
      files: cases.fieldOwnedElsewhere,
      expected: [
        { code: "write-to-owner", message: "this step writes TimeEntry.hours to erp, but psa owns that field", at: "specs/routes/time-to-erp.yaml:14:29" },
      ],
    },
  ],
};
