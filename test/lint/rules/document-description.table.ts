import type { RuleTable } from "../lint-helpers.ts";
import { cases, cleanSet } from "./cases.ts";

/** The table of document-description: spec sets it accepts and rejects, with the exact findings. */
export const table: RuleTable = {
  rule: "document-description",
  rows: [
    {
      name: "accepts documents with descriptions",
      files: cleanSet,
      expected: [],
    },
    {
      name: "reports a document without one",
      files: cases.noDescription,
      expected: [
        { code: "document-description", message: "Route time-to-erp has no metadata.description", at: "specs/routes/time-to-erp.yaml:3:1" },
      ],
    },
  ],
};
