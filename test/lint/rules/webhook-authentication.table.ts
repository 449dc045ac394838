import { edit, type RuleTable } from "../lint-helpers.ts";
import { cleanSet, paths } from "./cases.ts";

const HOOK = "      webhook: { path: /hooks/time, authentication: { bearer: { token: { secret: psa/hook-token } } } }\n";
const hook = (webhook: string) => edit(cleanSet, paths.PSA, HOOK, `      webhook: ${webhook}\n`);

/** The table of webhook-authentication: spec sets it accepts and rejects, with the exact findings. */
export const table: RuleTable = {
  rule: "webhook-authentication",
  rows: [
    {
      name: "accepts a webhook whose sender sends a bearer token",
      files: cleanSet,
      expected: [],
    },
    {
      name: "accepts a webhook whose sender sends basic credentials",
      files: hook("{ path: /hooks/time, authentication: { basic: { username: { env: HOOK_USER }, password: { secret: psa/hook-password } } } }"),
      expected: [],
    },
    {
      name: "accepts a signed webhook",
      files: hook("{ path: /hooks/time, signature: { scheme: hmac-sha256, header: x-signature, encoding: hex, secret: { secret: psa/hook-key } } }"),
      expected: [],
    },
    {
      name: "accepts no authentication when a reason says the network is trusted",
      files: hook('{ path: /hooks/time, authentication: { none: { reason: "only the PSA private link reaches this path" } } }'),
      expected: [],
    },
    {
      name: "reports a webhook with neither a signature nor authentication",
      files: hook("{ path: /hooks/time }"),
      expected: [
        {
          code: "webhook-authentication",
          message: "webhook psa.timeApproved (/hooks/time) accepts events from anyone: declare a signature, basic or bearer authentication, or 'authentication: { none: { reason } }'",
          at: "specs/systems/psa.yaml:31:7",
        },
      ],
    },
  ],
};
