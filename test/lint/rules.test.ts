/**
 * Every built-in rule's table: for each spec set, the exact findings of that rule (code,
 * message, file:line:col). The tables live beside this file, one per rule.
 */
import { describe, expect, it } from "vitest";
import { builtInRules } from "../../src/compiler/lint/rules/index.ts";
import { findingsOf } from "./lint-helpers.ts";
import { table as createAllowed } from "./rules/create-allowed.table.ts";
import { table as documentDescription } from "./rules/document-description.table.ts";
import { table as documentTeam } from "./rules/document-team.table.ts";
import { table as documentVersion } from "./rules/document-version.table.ts";
import { table as httpsBaseUrl } from "./rules/https-base-url.table.ts";
import { table as moneyDecimal } from "./rules/money-decimal.table.ts";
import { table as naming } from "./rules/naming.table.ts";
import { table as noInlineSecret } from "./rules/no-inline-secret.table.ts";
import { table as noSyncLoop } from "./rules/no-sync-loop.table.ts";
import { table as piiClassified } from "./rules/pii-classified.table.ts";
import { table as piiClearance } from "./rules/pii-clearance.table.ts";
import { table as routeDeadLetter } from "./rules/route-dead-letter.table.ts";
import { table as routeExceptionOwner } from "./rules/route-exception-owner.table.ts";
import { table as routeIdempotencyKey } from "./rules/route-idempotency-key.table.ts";
import { table as routeOrderingKey } from "./rules/route-ordering-key.table.ts";
import { table as routeRetry } from "./rules/route-retry.table.ts";
import { table as routeTimeout } from "./rules/route-timeout.table.ts";
import { table as singleSystemOfRecord } from "./rules/single-system-of-record.table.ts";
import { table as systemAuth } from "./rules/system-auth.table.ts";
import { table as systemQuotas } from "./rules/system-quotas.table.ts";
import { table as webhookAuthentication } from "./rules/webhook-authentication.table.ts";
import { table as writeToOwner } from "./rules/write-to-owner.table.ts";

const tables = [createAllowed, documentDescription, documentTeam, documentVersion, httpsBaseUrl, moneyDecimal, naming, noInlineSecret, noSyncLoop, piiClassified, piiClearance, routeDeadLetter, routeExceptionOwner, routeIdempotencyKey, routeOrderingKey, routeRetry, routeTimeout, singleSystemOfRecord, systemAuth, systemQuotas, webhookAuthentication, writeToOwner];

describe("the rule tables", () => {
  it("cover every built-in rule", () => {
    expect(tables.map((t) => t.rule).sort()).toEqual(builtInRules.map((r) => r.name).sort());
  });
});

for (const table of tables) {
  describe(table.rule, () => {
    it.each(table.rows)("$name", async ({ files, expected }) => {
      expect(await findingsOf(table.rule, files)).toEqual(expected);
    });
  });
}
