/**
 * A webhook's `authentication` as `spec validate` reads it: each mistake a located error, a
 * well-formed declaration no finding at all.
 */
import { describe, expect, it } from "vitest";
import { runCli, writeSpecSet } from "../../src/testing/spec-fixtures.ts";
import { cleanSet, edit } from "../lint/lint-helpers.ts";

const PSA = "specs/systems/psa.yaml";
const HOOK = "      webhook: { path: /hooks/time, authentication: { bearer: { token: { secret: psa/hook-token } } } }\n";

async function validate(webhook: string) {
  const files = edit(cleanSet, PSA, HOOK, webhook);
  const result = await runCli(["validate", "specs", "--format", "json"], writeSpecSet(files));
  const parsed = JSON.parse(result.stdout) as { diagnostics: { file: string; line: number; column: number; code: string; message: string }[] };
  return { code: result.code, found: parsed.diagnostics.map((d) => `${d.file}:${d.line}:${d.column} ${d.code}: ${d.message}`) };
}

describe("webhook authentication in a System spec", () => {
  it("accepts basic, bearer and a reasoned none", async () => {
    for (const authentication of [
      "{ basic: { username: { env: HOOK_USER }, password: { secret: psa/hook-password } } }",
      "{ bearer: { token: { secret: psa/hook-token } } }",
      '{ none: { reason: "only the private link from the PSA reaches this path" } }',
    ]) {
      const { code, found } = await validate(`      webhook: { path: /hooks/time, authentication: ${authentication} }\n`);
      expect(found).toEqual([]);
      expect(code).toBe(0);
    }
  });

  it.each([
    {
      name: "reports basic auth without a password reference",
      webhook: "      webhook: { path: /hooks/time, authentication: { basic: { username: { env: HOOK_USER } } } }\n",
      expected: `${PSA}:31:55 missing-key: spec.events.timeApproved.webhook.authentication.basic is missing the required key 'password'`,
    },
    {
      name: "reports a credential written inline instead of an env: or secret: reference",
      webhook: "      webhook: { path: /hooks/time, authentication: { bearer: { token: hunter2 } } }\n",
      expected: `${PSA}:31:72 invalid-value: spec.events.timeApproved.webhook.authentication.bearer.token is not valid: A reference to a value kept outside the spec: '{ env: NAME }' or '{ secret: NAME }'`,
    },
    {
      name: "reports none without a reason",
      webhook: "      webhook: { path: /hooks/time, authentication: { none: {} } }\n",
      expected: `${PSA}:31:55 missing-key: spec.events.timeApproved.webhook.authentication.none is missing the required key 'reason'`,
    },
    {
      name: "reports two ways at once",
      webhook: '      webhook: { path: /hooks/time, authentication: { bearer: { token: { secret: t } }, none: { reason: "trusted" } } }\n',
      expected: `${PSA}:31:37 webhook-authentication-kind: webhook authentication takes exactly one of 'basic', 'bearer' or 'none', this one has 2`,
    },
    {
      name: "reports an empty authentication",
      webhook: "      webhook: { path: /hooks/time, authentication: {} }\n",
      expected: `${PSA}:31:37 webhook-authentication-kind: webhook authentication takes exactly one of 'basic', 'bearer' or 'none', this one has none`,
    },
    {
      name: "reports none beside a signature",
      webhook:
        '      webhook: { path: /hooks/time, signature: { scheme: hmac-sha256, header: x-sig, encoding: hex, secret: { secret: s } }, authentication: { none: { reason: "trusted" } } }\n',
      expected: `${PSA}:31:144 webhook-authentication-none-signed: a signed webhook cannot declare 'authentication: none': its signature authenticates the sender; remove one of the two`,
    },
  ])("$name", async ({ webhook, expected }) => {
    const { code, found } = await validate(webhook);
    expect(found).toEqual([expected]);
    expect(code).toBe(1);
  });
});

describe("webhook authentication in a System written in the DSL", () => {
  it("round-trips through spec fmt and locates a missing password in the .sync file", async () => {
    const dir = writeSpecSet(cleanSet);
    const dsl = await runCli(["fmt", "--to", "dsl", PSA], dir);
    expect(dsl.code).toBe(0);
    expect(dsl.stdout).toContain('authentication {\n          bearer {\n            token { secret "psa/hook-token" }\n          }\n        }');
    const basic = dsl.stdout.replace(
      'bearer {\n            token { secret "psa/hook-token" }\n          }',
      'basic {\n            username { env "HOOK_USER" }\n          }',
    );
    const files: Record<string, string> = { ...cleanSet, "specs/systems/psa.sync": basic };
    delete files[PSA];
    const result = await runCli(["validate", "specs", "--format", "json"], writeSpecSet(files));
    const parsed = JSON.parse(result.stdout) as { diagnostics: { file: string; line: number; column: number; code: string; message: string }[] };
    const line = basic.split("\n").findIndex((l) => l.includes("basic {")) + 1;
    expect(parsed.diagnostics.map((d) => `${d.file}:${d.line}:${d.column} ${d.code}: ${d.message}`)).toEqual([
      `specs/systems/psa.sync:${line}:11 missing-key: spec.events.timeApproved.webhook.authentication.basic is missing the required key 'password'`,
    ]);
    expect(result.code).toBe(1);
  });
});
