import type { RuleTable } from "../lint-helpers.ts";
import { cases } from "./cases.ts";

/** The table of no-sync-loop: spec sets it accepts and rejects, with the exact findings. */
export const table: RuleTable = {
  rule: "no-sync-loop",
  rows: [
    {
      name: "accepts a return route guarded against its target's own changes",
      files: cases.loopGuarded,
      expected: [],
    },
    {
      name: "reports both routes of an unguarded loop",
      files: cases.loop,
      expected: [
        { code: "no-sync-loop", message: "sync loop: this route carries TimeEntry from erp to psa and route time-to-erp carries it back; declare guard.ignoreOrigin: [psa]", at: "specs/routes/erp-to-psa.yaml:9:3" },
        { code: "no-sync-loop", message: "sync loop: this route carries TimeEntry from psa to erp and route erp-to-psa carries it back; declare guard.ignoreOrigin: [erp]", at: "specs/routes/time-to-erp.yaml:9:3" },
      ],
    },
  ],
};
