import type { RuleTable } from "../lint-helpers.ts";
import { cases, cleanSet } from "./cases.ts";

/** The table of system-auth: spec sets it accepts and rejects, with the exact findings. */
export const table: RuleTable = {
  rule: "system-auth",
  rows: [
    {
      name: "accepts a system with every credential its auth type needs",
      files: cleanSet,
      expected: [],
    },
    {
      name: "reports a missing credential",
      files: cases.authMissingKey,
      expected: [
        { code: "system-auth", message: "auth type api-key needs 'key'", at: "specs/systems/erp.yaml:11:3" },
      ],
    },
    {
      name: "reports a system without authentication",
      files: cases.authNone,
      expected: [
        { code: "system-auth", message: "system erp declares no authentication (auth.type: none)", at: "specs/systems/erp.yaml:12:11" },
      ],
    },
  ],
};
