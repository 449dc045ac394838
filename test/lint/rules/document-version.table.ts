import type { RuleTable } from "../lint-helpers.ts";
import { cases, cleanSet } from "./cases.ts";

/** The table of document-version: spec sets it accepts and rejects, with the exact findings. */
export const table: RuleTable = {
  rule: "document-version",
  rows: [
    {
      name: "accepts documents with versions",
      files: cleanSet,
      expected: [],
    },
    {
      name: "reports a document without one",
      files: cases.noVersion,
      expected: [
        { code: "document-version", message: "Mapping time-to-journal declares no metadata.version", at: "specs/mappings/time-to-journal.yaml:3:1" },
      ],
    },
  ],
};
