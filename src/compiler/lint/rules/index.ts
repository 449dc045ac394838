/** The registry of built-in rules, in the order their docs list them. A new rule is one file and one line here. */
import type { LintRule } from "../rule.ts";
import { createAllowedRule } from "./create-allowed.rule.ts";
import { documentDescriptionRule } from "./document-description.rule.ts";
import { documentTeamRule } from "./document-team.rule.ts";
import { documentVersionRule } from "./document-version.rule.ts";
import { httpsBaseUrlRule } from "./https-base-url.rule.ts";
import { moneyDecimalRule } from "./money-decimal.rule.ts";
import { namingRule } from "./naming.rule.ts";
import { noInlineSecretRule } from "./no-inline-secret.rule.ts";
import { noSyncLoopRule } from "./no-sync-loop.rule.ts";
import { piiClassifiedRule } from "./pii-classified.rule.ts";
import { piiClearanceRule } from "./pii-clearance.rule.ts";
import { routeDeadLetterRule } from "./route-dead-letter.rule.ts";
import { routeExceptionOwnerRule } from "./route-exception-owner.rule.ts";
import { routeIdempotencyKeyRule } from "./route-idempotency-key.rule.ts";
import { routeOrderingKeyRule } from "./route-ordering-key.rule.ts";
import { routeRetryRule } from "./route-retry.rule.ts";
import { routeTimeoutRule } from "./route-timeout.rule.ts";
import { singleSystemOfRecordRule } from "./single-system-of-record.rule.ts";
import { systemAuthRule } from "./system-auth.rule.ts";
import { systemQuotasRule } from "./system-quotas.rule.ts";
import { webhookAuthenticationRule } from "./webhook-authentication.rule.ts";
import { writeToOwnerRule } from "./write-to-owner.rule.ts";

export const builtInRules: readonly LintRule[] = [
  singleSystemOfRecordRule,
  writeToOwnerRule,
  createAllowedRule,
  noSyncLoopRule,
  routeIdempotencyKeyRule,
  routeRetryRule,
  routeTimeoutRule,
  routeDeadLetterRule,
  routeExceptionOwnerRule,
  routeOrderingKeyRule,
  systemAuthRule,
  systemQuotasRule,
  webhookAuthenticationRule,
  noInlineSecretRule,
  httpsBaseUrlRule,
  documentVersionRule,
  piiClearanceRule,
  piiClassifiedRule,
  moneyDecimalRule,
  namingRule,
  documentDescriptionRule,
  documentTeamRule,
];
