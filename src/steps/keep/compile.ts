/**
 * The keep step in the compiler: it names an entity, the record at the step must be that entity
 * (a route keeps canonical records, mapped from the source's payload first) and its version path
 * a field of it holding a number or a time.
 */
import { diagnostic } from "../../compiler/diagnostics/diagnostic.ts";
import { expectFieldPath } from "../../compiler/check/report.ts";
import type { StepCompiler } from "../compile-kind.ts";

/** Field types a version can be compared by. */
const VERSION_TYPES = new Set(["integer", "number", "datetime", "date"]);

/** The keep kind in the compiler. */
export const keepCompiler: StepCompiler<"keep"> = {
  kind: "keep",
  checkReferences(check, keep, at) {
    check.entity([...at, "keep", "entity"], keep.entity);
  },
  checkExpressions(check, keep, at, scope) {
    const record = scope.record;
    if (record === undefined || !check.cx.set.entities.has(keep.entity)) return;
    const wanted = `entity ${keep.entity}`;
    if (record.label !== wanted) {
      check.cx.report(diagnostic("keep-record-shape", { entity: keep.entity, record: record.label }, check.doc.source.locate([...at, "keep", "entity"])));
      return;
    }
    if (keep.version === undefined) return;
    const field = expectFieldPath(check.cx, check.doc, [...at, "keep", "version"], keep.version, record);
    if (field !== undefined && !VERSION_TYPES.has(field.type)) {
      check.cx.report(diagnostic("keep-version-type", { field: keep.version, type: field.type }, check.doc.source.locate([...at, "keep", "version"])));
    }
  },
  lower: (lowering, keep) => ({
    entity: keep.entity,
    identity: lowering.identity(keep.entity),
    ...(keep.version !== undefined ? { version: keep.version } : {}),
    validator: lowering.validator(keep.entity),
  }),
  describe: (keep) => `keep the ${keep.entity} record in the state${keep.version === undefined ? "" : `, versioned by ${keep.version}`}`,
};
