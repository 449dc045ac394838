/** API governance: every webhook authenticates its sender, or says why the network makes that unneeded. */
import { type LintRule, ruleDocs } from "../rule.ts";

export const webhookAuthenticationRule: LintRule = {
  name: "webhook-authentication",
  severity: "error",
  description: "Every webhook checks who sent it (a signature, or basic or bearer credentials) unless `authentication: { none: { reason } }` says why not.",
  docs: ruleDocs("webhook-authentication"),
  category: "api",
  recommended: true,
  rationale:
    "A webhook path is open to whoever can reach it: without a signature or credentials, anyone can forge an event and the routes carry it into the ERP. Vendors that sign nothing (Chargebee) send HTTP basic credentials; declare them by reference. Where only a trusted network reaches the path, say so with `authentication: { none: { reason: ... } }`, so the choice is reviewed rather than forgotten.",
  examples: {
    failing: "webhook: { path: /webhooks/chargebee/payments }",
    passing:
      "webhook:\n  path: /webhooks/chargebee/payments\n  authentication:\n    basic: { username: { env: CHARGEBEE_WEBHOOK_USER }, password: { secret: chargebee/webhook-password } }",
  },
  check({ set, report }) {
    for (const system of set.systems.values()) {
      for (const [name, event] of Object.entries(system.value.spec.events ?? {})) {
        const webhook = event.webhook;
        if (webhook === undefined || webhook.signature !== undefined || webhook.authentication !== undefined) continue;
        report({
          document: system,
          path: ["spec", "events", name, "webhook"],
          part: "key",
          message: `webhook ${system.name}.${name} (${webhook.path}) accepts events from anyone: declare a signature, basic or bearer authentication, or 'authentication: { none: { reason } }'`,
        });
      }
    }
  },
};
