import type { RuleTable } from "../lint-helpers.ts";
import { cases, cleanSet } from "./cases.ts";

/** The table of system-quotas: spec sets it accepts and rejects, with the exact findings. */
export const table: RuleTable = {
  rule: "system-quotas",
  rows: [
    {
      name: "accepts a system with quotas",
      files: cleanSet,
      expected: [],
    },
    {
      name: "reports a system without quotas",
      files: cases.noQuotas,
      expected: [
        { code: "system-quotas", message: "system erp declares no quotas: the runtime cannot keep to the vendor's rate limits", at: "specs/systems/erp.yaml:8:1" },
      ],
    },
  ],
};
