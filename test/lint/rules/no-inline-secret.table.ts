import type { RuleTable } from "../lint-helpers.ts";
import { cases, cleanSet } from "./cases.ts";

/** The table of no-inline-secret: spec sets it accepts and rejects, with the exact findings. */
export const table: RuleTable = {
  rule: "no-inline-secret",
  rows: [
    {
      name: "accepts credentials by reference",
      files: cleanSet,
      expected: [],
    },
    {
      name: "accepts a default that does not look random",
      files: cases.lowEntropyDefault,
      expected: [],
    },
    {
      name: "reports a random-looking default of a key variable",
      files: cases.secretDefault,
      expected: [
        { code: "no-inline-secret", message: "this value looks like a secret written inline; reference it with { secret: name } instead", at: "specs/systems/erp.yaml:14:39" },
      ],
    },
    {
      name: "reports a secret inside text, at the secret",
      files: cases.secretInText,
      expected: [
        { code: "no-inline-secret", message: "this text contains what looks like a secret; reference it with { secret: name } instead", at: "specs/systems/erp.yaml:7:47" },
      ],
    },
  ],
};
