import type { RuleTable } from "../lint-helpers.ts";
import { cases, cleanSet } from "./cases.ts";

/** The table of document-team: spec sets it accepts and rejects, with the exact findings. */
export const table: RuleTable = {
  rule: "document-team",
  rows: [
    {
      name: "accepts documents with teams",
      files: cleanSet,
      expected: [],
    },
    {
      name: "reports a document without one",
      files: cases.noTeam,
      expected: [
        { code: "document-team", message: "Route time-to-erp names no owning team (metadata.team)", at: "specs/routes/time-to-erp.yaml:3:1" },
      ],
    },
  ],
};
