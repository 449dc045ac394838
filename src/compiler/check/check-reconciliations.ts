/** Reconciliation documents: each source's system and entity, the group fields, the JSONata. */
import { checkReadLookups, checkSourceLookups } from "./check-reconciliation-lookups.ts";
import { checkReconciliationRead } from "./check-reconciliation-read.ts";
import { checkSchedule } from "./check-schedule.ts";
import { type CheckContext, expectFieldPath, expectName } from "./report.ts";
import { checkRouteExpression } from "./route-expressions.ts";
import { entityShape } from "./shapes.ts";
import type { BoundDocument } from "./spec-set.ts";

/** Checks one Reconciliation document. */
export function checkReconciliation(cx: CheckContext, doc: BoundDocument<"Reconciliation">): void {
  const spec = doc.value.spec;
  checkSchedule(cx, doc, ["spec", "schedule"], spec.schedule);
  spec.sources.forEach((source, i) => {
    const at = ["spec", "sources", i];
    expectName(cx, doc, [...at, "system"], "system", source.system, cx.set.systems.keys(), { kind: "System" });
    const entity = cx.set.entities.get(source.entity);
    if (entity === undefined) {
      expectName(cx, doc, [...at, "entity"], "entity", source.entity, cx.set.entities.keys(), { kind: "Entity" });
    } else {
      const shape = entityShape(entity.name, entity.value.spec);
      spec.groupBy.forEach((path, g) => expectFieldPath(cx, doc, ["spec", "groupBy", g], path, shape));
      if (spec.periodField !== undefined) expectFieldPath(cx, doc, ["spec", "periodField"], spec.periodField, shape);
    }
    // The filter and the measure read the entity's records and the source's lookups: a misspelt
    // field or lookup is an error, not an undefined amount at run time.
    const shape = entity === undefined ? undefined : entityShape(entity.name, entity.value.spec);
    const scope = checkSourceLookups(cx, doc, [...at, "lookups"], source.lookups, shape);
    if (source.filter !== undefined) checkRouteExpression(cx, doc, [...at, "filter"], source.filter, scope, "condition");
    checkRouteExpression(cx, doc, [...at, "measure"], source.measure, scope, "value");
    checkReconciliationRead(cx, doc, at, source);
    checkReadLookups(cx, doc, at, source);
  });
}
