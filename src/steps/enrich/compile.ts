/**
 * The enrich step in the compiler: it names an entity and, for cross-references, the systems the
 * ids come from and go to; its key and as-of paths are checked against the record at the step; it
 * provides its value to later mappings under `as`, and adds it to the record, typed as a record of
 * the entity (or an id, for a cross-reference).
 */
import { checkEnrichLookup, withEnriched } from "../../compiler/check/check-lookups.ts";
import { durationMs } from "../../pipeline/definitions.ts";
import type { StepCompiler } from "../compile-kind.ts";

/** The enrich kind in the compiler. */
export const enrichCompiler: StepCompiler<"enrich"> = {
  kind: "enrich",
  checkReferences(check, enrich, at) {
    check.entity([...at, "enrich", "entity"], enrich.entity);
    if (enrich.from !== undefined) check.system([...at, "enrich", "from"], enrich.from);
    if (enrich.to !== undefined) check.system([...at, "enrich", "to"], enrich.to);
  },
  checkExpressions: (check, enrich, at, scope) => checkEnrichLookup(check.cx, check.doc, enrich, at, scope),
  lookupProvided: (enrich) => ({ as: enrich.as, entity: enrich.entity, ...(enrich.from !== undefined ? { from: enrich.from } : {}), ...(enrich.to !== undefined ? { to: enrich.to } : {}) }),
  after: (flow, enrich, _step, _at, scope) => ({
    ...scope,
    record: withEnriched(flow.cx, scope.record, enrich),
    ...(scope.lookups === undefined ? {} : { lookups: new Set([...scope.lookups, enrich.as]) }),
  }),
  lower: (_lowering, e) => ({
    lookup: e.lookup,
    entity: e.entity,
    ...(e.from !== undefined ? { from: e.from } : {}),
    ...(e.to !== undefined ? { to: e.to } : {}),
    key: e.key,
    ...(e.match !== undefined ? { match: [...e.match] } : {}),
    ...(e.asOf !== undefined ? { asOf: e.asOf } : {}),
    ...(e.wait !== undefined ? { waitMs: durationMs(e.wait) } : {}),
    as: e.as,
  }),
  describe(e) {
    const key = typeof e.key === "string" ? e.key : e.key.join(", ");
    if (e.lookup === "records") return `enrich: every ${e.entity} kept whose ${(e.match ?? []).join(", ")} equal ${key}, as ${e.as}`;
    return `enrich: ${e.lookup} ${e.entity} by ${key}${e.asOf === undefined ? "" : ` as of ${e.asOf}`}${e.wait === undefined ? "" : ` (waits up to ${e.wait})`} as ${e.as}`;
  },
};
