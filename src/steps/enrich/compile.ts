/**
 * The enrich step in the compiler: it names an entity and, for cross-references, the systems the
 * ids come from and go to; it provides its value to later mappings under `as`, and adds an open
 * field `as` to the record.
 */
import type { Known } from "../../compiler/check/route-records.ts";
import type { ShapeField } from "../../compiler/check/shapes.ts";
import type { StepCompiler } from "../compile-kind.ts";

/** The shape with an open field `as` added (an enriched value is not typed). */
function withEnriched(shape: Known, as: string): Known {
  if (shape?.fields === undefined) return shape;
  const fields = new Map<string, ShapeField>(shape.fields);
  fields.set(as, { name: as, type: "object", required: true });
  return { label: shape.label, fields };
}

/** The enrich kind in the compiler. */
export const enrichCompiler: StepCompiler<"enrich"> = {
  kind: "enrich",
  checkReferences(check, enrich, at) {
    check.entity([...at, "enrich", "entity"], enrich.entity);
    if (enrich.from !== undefined) check.system([...at, "enrich", "from"], enrich.from);
    if (enrich.to !== undefined) check.system([...at, "enrich", "to"], enrich.to);
  },
  lookupProvided: (enrich) => enrich,
  after: (_flow, enrich, _step, _at, scope) => ({ ...scope, record: withEnriched(scope.record, enrich.as) }),
  lower: (_lowering, e) => ({
    lookup: e.lookup,
    entity: e.entity,
    ...(e.from !== undefined ? { from: e.from } : {}),
    ...(e.to !== undefined ? { to: e.to } : {}),
    key: e.key,
    as: e.as,
  }),
  describe: (e) => `enrich: ${e.lookup} ${e.entity} by ${e.key} as ${e.as}`,
};
