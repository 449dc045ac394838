import type { RuleTable } from "../lint-helpers.ts";
import { cases, cleanSet } from "./cases.ts";

/** The table of route-idempotency-key: spec sets it accepts and rejects, with the exact findings. */
export const table: RuleTable = {
  rule: "route-idempotency-key",
  rows: [
    {
      name: "accepts a writing route with an idempotency key",
      files: cleanSet,
      expected: [],
    },
    {
      name: "reports a writing route without one",
      files: cases.noIdempotencyKey,
      expected: [
        { code: "route-idempotency-key", message: "this route delivers to a system but declares no idempotencyKey: a redelivered event would post twice", at: "specs/routes/time-to-erp.yaml:8:1" },
      ],
    },
  ],
};
