/**
 * Ownership: a route writes an entity only to a system that may hold writes of it (its system
 * of record, an allowed updater or a replica), and writes a separately owned field only to that
 * field's owner, its allowed updaters or the systems that show a replica of it; a route triggered
 * by a write-back's event shows the written-back fields only in systems that hold a replica.
 */
import type { BoundDocument, SpecSet } from "../../check/spec-set.ts";
import { deliveries, outputKeys, writes } from "../queries.ts";
import { type LintRule, ruleDocs } from "../rule.ts";

/** Whether a system may hold a value of a separately owned field: its owner, an updater, or a replica. */
function mayHold(owner: { systemOfRecord: string; update?: string[]; replicas?: string[] }, system: string): boolean {
  return owner.systemOfRecord === system || (owner.update ?? []).includes(system) || (owner.replicas ?? []).includes(system);
}

/** The fields of `entity` a route's trigger carries from a write-back (`writeBack.emit`): what its deliveries show. */
function announcedFields(set: SpecSet, route: BoundDocument<"Route">, entity: string): string[] {
  const event = route.value.spec.trigger.canonical === undefined ? undefined : set.canonicalEvents.get(route.value.spec.trigger.canonical);
  return (event?.writtenBackBy ?? []).filter((w) => w.entity === entity).flatMap((w) => w.fields);
}

export const writeToOwnerRule: LintRule = {
  name: "write-to-owner",
  severity: "error",
  description: "A route writes an entity, and each separately owned field, only to a system its Ownership allows.",
  docs: ruleDocs("write-to-owner"),
  category: "ownership",
  recommended: true,
  rationale:
    "Writing an entity into a system that neither owns it, may update it, nor keeps a replica of it creates a second, unsanctioned copy of the truth. Field owners matter as much: the billing platform must not overwrite a field the ERP owns.",
  examples: {
    failing: "# Ownership of Invoice: systemOfRecord billing, replicas [erp]\nsteps:\n  - deliver: { operation: psa.updateInvoice }   # psa is not an owner, updater or replica",
    passing: "# Ownership of Invoice: systemOfRecord billing, replicas [erp, psa]\nsteps:\n  - deliver: { operation: psa.updateInvoice }",
  },
  check({ set, report }) {
    for (const d of deliveries(set)) {
      const entity = d.operation?.entity;
      if (!writes(d.operation) || entity === undefined) continue;
      const ownership = set.ownershipOf.get(entity)?.value.spec;
      if (ownership === undefined) continue;
      const holders = new Set([ownership.systemOfRecord, ...(ownership.update ?? []), ...(ownership.replicas ?? [])]);
      if (d.operation?.effect === "create") for (const s of ownership.create) holders.add(s);
      if (!holders.has(d.system)) {
        report({
          document: d.route,
          path: [...d.path, "operation"],
          message: `this step writes ${entity} to ${d.system}, which is not its system of record (${ownership.systemOfRecord}), an allowed updater or a replica`,
        });
        continue;
      }
      for (const field of announcedFields(set, d.route, entity)) {
        const owner = ownership.fields?.[field];
        if (owner === undefined || mayHold(owner, d.system)) continue;
        report({
          document: d.route,
          path: [...d.path, "operation"],
          message: `this step shows ${entity}.${field}, written back by ${owner.systemOfRecord}, in ${d.system}, which holds no replica of that field (add it to the field's replicas)`,
        });
      }
      if ((ownership.replicas ?? []).includes(d.system) && d.system !== ownership.systemOfRecord) continue;
      const keys = d.mapping === undefined ? undefined : outputKeys(d.mapping.value.spec.expression);
      for (const key of keys ?? []) {
        const owner = ownership.fields?.[key.name];
        if (owner === undefined || mayHold(owner, d.system)) continue;
        report({
          document: d.route,
          path: [...d.path, "operation"],
          message: `this step writes ${entity}.${key.name} to ${d.system}, but ${owner.systemOfRecord} owns that field`,
        });
      }
    }
  },
};
