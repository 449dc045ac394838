/** Ownership: every entity has one system of record, and every field exactly one owner. */
import { type LintRule, ruleDocs } from "../rule.ts";

export const singleSystemOfRecordRule: LintRule = {
  name: "single-system-of-record",
  severity: "error",
  description: "Every entity has an Ownership naming its system of record, and no field has two owners.",
  docs: ruleDocs("single-system-of-record"),
  category: "ownership",
  recommended: true,
  rationale:
    "Two systems that both believe they hold the truth about a record will overwrite each other, and nobody can say which value is right. Naming one system of record per entity, and per field where it differs, is what every other ownership rule builds on.",
  examples: {
    failing: "kind: Entity\nmetadata: { name: Invoice }\n# ...and no Ownership document names a system of record for Invoice",
    passing: "kind: Ownership\nmetadata: { name: invoice }\nspec:\n  entity: Invoice\n  systemOfRecord: billing\n  steward: billing-ops\n  create: [billing]\n  fields:\n    erpInvoiceId: { systemOfRecord: erp }",
  },
  check({ set, report }) {
    for (const entity of set.entities.values()) {
      if (set.ownershipOf.has(entity.name)) continue;
      report({ document: entity, path: ["metadata", "name"], message: `entity ${entity.name} has no Ownership naming its system of record` });
    }
    for (const ownership of set.ownerships.values()) {
      const fields = Object.entries(ownership.value.spec.fields ?? {});
      for (const [path, owner] of fields) {
        for (const [parent, parentOwner] of fields) {
          if (!path.startsWith(`${parent}.`) || parentOwner.systemOfRecord === owner.systemOfRecord) continue;
          report({
            document: ownership,
            path: ["spec", "fields", path, "systemOfRecord"],
            message: `field '${path}' is owned by ${owner.systemOfRecord} but its parent '${parent}' by ${parentOwner.systemOfRecord}: one field, two systems of record`,
          });
        }
      }
    }
  },
};
