import type { RuleTable } from "../lint-helpers.ts";
import { cases, cleanSet } from "./cases.ts";

/** The table of https-base-url: spec sets it accepts and rejects, with the exact findings. */
export const table: RuleTable = {
  rule: "https-base-url",
  rows: [
    {
      name: "accepts a base URL from the environment with an https default",
      files: cleanSet,
      expected: [],
    },
    {
      name: "reports an http default",
      files: cases.httpDefault,
      expected: [
        { code: "https-base-url", message: "'http://erp.example.com' does not use https", at: "specs/systems/erp.yaml:10:42" },
      ],
    },
    {
      name: "reports a base URL not read from the environment",
      files: cases.secretBaseUrl,
      expected: [
        { code: "https-base-url", message: "the base URL of erp should come from an environment variable ({ env: NAME, default: https://... })", at: "specs/systems/erp.yaml:10:12" },
      ],
    },
  ],
};
