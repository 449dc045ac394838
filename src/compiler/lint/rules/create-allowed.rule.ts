/** Ownership: only the systems an Ownership lists under `create` create records of the entity. */
import { deliveries } from "../queries.ts";
import { type LintRule, ruleDocs } from "../rule.ts";

export const createAllowedRule: LintRule = {
  name: "create-allowed",
  severity: "error",
  description: "A route creates records of an entity only in the systems its Ownership allows to create them.",
  docs: ruleDocs("create-allowed"),
  category: "ownership",
  recommended: true,
  rationale:
    "Records created in the wrong system are duplicates waiting to happen: the PSA creates projects, the ERP mirrors them. Only the systems an Ownership lists under `create` may receive create or upsert calls for the entity.",
  examples: {
    failing: "# Ownership of Project: create [psa]\nsteps:\n  - deliver: { operation: erp.createProject }   # effect: create",
    passing: "# Ownership of Project: create [psa, erp]\nsteps:\n  - deliver: { operation: erp.createProject }",
  },
  check({ set, report }) {
    for (const d of deliveries(set)) {
      const entity = d.operation?.entity;
      if (d.operation?.effect !== "create" && d.operation?.effect !== "upsert") continue;
      if (entity === undefined) continue;
      const ownership = set.ownershipOf.get(entity)?.value.spec;
      if (ownership === undefined || ownership.create.includes(d.system)) continue;
      const allowed = ownership.create.length === 0 ? "no system" : `only ${ownership.create.join(", ")}`;
      report({
        document: d.route,
        path: [...d.path, "operation"],
        message: `this step creates ${entity} records in ${d.system}, but ${allowed} may create them`,
      });
    }
  },
};
