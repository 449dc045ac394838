import { type RuleTable, edit } from "../lint-helpers.ts";
import { cases, paths } from "./cases.ts";

/** The table of pii-clearance: spec sets it accepts and rejects, with the exact findings. */
export const table: RuleTable = {
  rule: "pii-clearance",
  rows: [
    {
      name: "accepts PII sent to a system cleared for it",
      files: edit(cases.piiToErp, paths.ERP, "  classification: [internal]", "  classification: [internal, pii]"),
      expected: [],
    },
    {
      name: "reports a PII field of the target sent to a system not cleared",
      files: cases.piiToErp,
      expected: [
        { code: "pii-clearance", message: "this step sends PII (email, userEmail) to erp, which is not cleared for pii", at: "specs/routes/time-to-erp.yaml:14:29" },
      ],
    },
    {
      name: "reports a PII field of the source read into the request",
      files: cases.piiReadFromSource,
      expected: [
        { code: "pii-clearance", message: "this step sends PII (userEmail) to erp, which is not cleared for pii", at: "specs/routes/time-to-erp.yaml:14:29" },
      ],
    },
  ],
};
