/**
 * Lookups in routes: the key paths of `enrich` and `require` steps and an enrich's `asOf` path
 * must be fields of the record at that step (did-you-mean when not); a composite key gives one
 * path per identity field of the looked-up entity; `asOf` and `wait` belong to reference data.
 * The looked-up value is typed for the steps after: a cross-reference is an id, a record is a
 * record of its entity.
 */
import type { Step } from "../../model/index.ts";
import { diagnostic } from "../diagnostics/diagnostic.ts";
import { nameHint } from "../diagnostics/suggest.ts";
import type { PathSegment } from "../parse/document.ts";
import { type CheckContext, expectFieldPath } from "./report.ts";
import type { Known, StepScope } from "./route-records.ts";
import { entityShape, type ShapeField } from "./shapes.ts";
import type { BoundDocument } from "./spec-set.ts";

type Enrich = NonNullable<Step["enrich"]>;

/** Checks each key path against the record, located at its own entry when there are several. */
export function checkKeyPaths(cx: CheckContext, doc: BoundDocument<"Route">, at: PathSegment[], key: string | readonly string[], scope: StepScope): void {
  if (typeof key === "string") expectFieldPath(cx, doc, at, key, scope.record);
  else key.forEach((path, i) => expectFieldPath(cx, doc, [...at, i], path, scope.record));
}

/** Checks an enrich step's lookup against the record at the step. */
export function checkEnrichLookup(cx: CheckContext, doc: BoundDocument<"Route">, enrich: Enrich, at: PathSegment[], scope: StepScope): void {
  const here = [...at, "enrich"];
  checkKeyPaths(cx, doc, [...here, "key"], enrich.key, scope);
  if (enrich.asOf !== undefined) expectFieldPath(cx, doc, [...here, "asOf"], enrich.asOf, scope.record);
  if (enrich.lookup !== "records" && enrich.match !== undefined) {
    cx.report(diagnostic("records-lookup-match", { problem: "misplaced", lookup: enrich.lookup }, doc.source.locate([...here, "match"], "key")));
  }
  if (enrich.lookup === "xref") {
    for (const key of ["asOf", "wait"] as const) {
      if (enrich[key] !== undefined) cx.report(diagnostic("lookup-as-of-xref", { key }, doc.source.locate([...here, key], "key")));
    }
    return;
  }
  if (enrich.lookup === "records") {
    checkRecordsLookup(cx, doc, enrich, here);
    return;
  }
  const identity = cx.set.entities.get(enrich.entity)?.value.spec.identity;
  const given = typeof enrich.key === "string" ? 1 : enrich.key.length;
  if (identity !== undefined && identity.length !== given) {
    cx.report(diagnostic("lookup-key-count", { entity: enrich.entity, identity: identity.join(", "), given }, doc.source.locate([...here, "key"])));
  }
}

/**
 * A lookup of every kept record that matches: its `match` names one field of the entity per key
 * path; `asOf` and `wait` belong to lookups of one record.
 */
function checkRecordsLookup(cx: CheckContext, doc: BoundDocument<"Route">, enrich: Enrich, here: PathSegment[]): void {
  for (const key of ["asOf", "wait"] as const) {
    if (enrich[key] !== undefined) cx.report(diagnostic("records-lookup-option", { key }, doc.source.locate([...here, key], "key")));
  }
  const given = typeof enrich.key === "string" ? 1 : enrich.key.length;
  if (enrich.match === undefined) {
    cx.report(diagnostic("records-lookup-match", { problem: "missing", lookup: "records" }, doc.source.locate([...here, "lookup"])));
    return;
  }
  if (enrich.match.length !== given) {
    cx.report(diagnostic("records-lookup-match", { problem: "count", lookup: "records", match: enrich.match.length, given }, doc.source.locate([...here, "match"])));
  }
  const fields = cx.set.entities.get(enrich.entity)?.value.spec.fields;
  if (fields === undefined) return;
  enrich.match.forEach((field, i) => {
    if (fields[field] !== undefined) return;
    cx.report(diagnostic("unknown-field", { field, shape: `entity ${enrich.entity}`, ...nameHint(field, Object.keys(fields)) }, doc.source.locate([...here, "match", i])));
  });
}

/** Validity fields a reference record may carry beside the entity's own. */
export const VALIDITY_FIELDS: readonly ShapeField[] = [
  { name: "validFrom", type: "date", required: false },
  { name: "validTo", type: "date", required: false },
];

/** The fields of a looked-up record of `entity` (its own and its validity dates), or undefined when there is no such entity. */
export function lookedUpFields(cx: CheckContext, entity: string): Map<string, ShapeField> | undefined {
  const found = cx.set.entities.get(entity);
  if (found === undefined) return undefined;
  const fields = new Map(entityShape(found.name, found.value.spec).fields);
  for (const field of VALIDITY_FIELDS) if (!fields.has(field.name)) fields.set(field.name, field);
  return fields;
}

/** The record with the enriched value added under `as`, typed as the lookup gives it. */
export function withEnriched(cx: CheckContext, shape: Known, enrich: Enrich): Known {
  if (shape?.fields === undefined) return shape;
  const fields = new Map<string, ShapeField>(shape.fields);
  const looked = enrich.lookup === "xref" ? undefined : lookedUpFields(cx, enrich.entity);
  const field: ShapeField =
    enrich.lookup === "xref"
      ? { name: enrich.as, type: "string", required: true }
      : enrich.lookup === "records"
        ? { name: enrich.as, type: "array", required: true, array: true, ...(looked === undefined ? {} : { fields: looked }) }
        : looked === undefined
          ? { name: enrich.as, type: "object", required: true }
          : { name: enrich.as, type: "object", required: true, fields: looked };
  fields.set(enrich.as, field);
  return { ...shape, fields };
}
