/** Ownership: every entity has one system of record, and every field exactly one owner. */
import { type LintRule, ruleDocs } from "../rule.ts";

export const singleSystemOfRecordRule: LintRule = {
  name: "single-system-of-record",
  severity: "error",
  description: "Every entity has an Ownership naming its system of record, and no field has two owners.",
  docs: ruleDocs("single-system-of-record"),
  category: "ownership",
  recommended: true,
  check({ set, report }) {
    for (const entity of set.entities.values()) {
      if (set.ownershipOf.has(entity.name)) continue;
      report({ document: entity, path: ["metadata", "name"], message: `entity ${entity.name} has no Ownership naming its system of record` });
    }
    for (const ownership of set.ownerships.values()) {
      const fields = Object.entries(ownership.value.spec.fields ?? {});
      for (const [path, owner] of fields) {
        if (owner.systemOfRecord === ownership.value.spec.systemOfRecord) continue;
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
