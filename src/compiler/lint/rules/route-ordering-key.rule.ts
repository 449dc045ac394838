/**
 * Reliability: events that change an existing record must apply in order, or an older change
 * can overwrite a newer one; a route that updates records declares an orderingKey.
 */
import { deliveriesOf } from "../queries.ts";
import { type LintRule, ruleDocs } from "../rule.ts";

const UPDATES: ReadonlySet<string> = new Set(["update", "upsert", "delete"]);

export const routeOrderingKeyRule: LintRule = {
  name: "route-ordering-key",
  severity: "warn",
  description: "A route that updates, upserts or deletes records declares an orderingKey, so changes to one record apply in order.",
  docs: ruleDocs("route-ordering-key"),
  category: "reliability",
  recommended: true,
  rationale:
    "Events about one record can arrive out of order; applying an older update after a newer one overwrites good data. An ordering key makes the runtime apply changes to the same record one at a time, in order.",
  examples: {
    failing: "spec:\n  idempotencyKey: [invoiceId, updatedDateUtc]\n  steps:\n    - deliver: { operation: psa.updateInvoiceStatus }   # effect: update",
    passing: "spec:\n  idempotencyKey: [invoiceId, updatedDateUtc]\n  orderingKey: [invoiceId]\n  steps:\n    - deliver: { operation: psa.updateInvoiceStatus }",
  },
  check({ set, report }) {
    for (const route of set.routes.values()) {
      if (route.value.spec.orderingKey !== undefined) continue;
      const update = deliveriesOf(set, route).find((d) => d.operation !== undefined && UPDATES.has(d.operation.effect));
      if (update === undefined) continue;
      report({
        document: route,
        path: ["spec", "orderingKey"],
        part: "key",
        message: `this route ${update.operation?.effect === "delete" ? "deletes" : "updates"} records through ${update.system}.${update.operationName} but declares no orderingKey: changes to one record could apply out of order`,
      });
    }
  },
};
