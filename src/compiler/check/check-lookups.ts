/**
 * Lookups in routes: the key paths of `enrich` and `require` steps and an enrich's `asOf` path
 * must be fields of the record at that step (did-you-mean when not); a composite key gives one
 * path per identity field of the looked-up entity; `asOf` and `wait` belong to reference data.
 */
import type { Step } from "../../model/index.ts";
import { diagnostic } from "../diagnostics/diagnostic.ts";
import type { PathSegment } from "../parse/document.ts";
import { type CheckContext, expectFieldPath } from "./report.ts";
import type { StepScope } from "./route-records.ts";
import type { BoundDocument } from "./spec-set.ts";

/** Checks each key path, located at its own entry when there are several. */
function checkKeyPaths(cx: CheckContext, doc: BoundDocument<"Route">, at: PathSegment[], key: string | readonly string[], scope: StepScope): void {
  if (typeof key === "string") expectFieldPath(cx, doc, at, key, scope.record);
  else key.forEach((path, i) => expectFieldPath(cx, doc, [...at, i], path, scope.record));
}

/** Checks the lookup of an enrich or require step against the record at the step. */
export function checkStepLookup(cx: CheckContext, doc: BoundDocument<"Route">, step: Step, at: PathSegment[], scope: StepScope): void {
  if (step.require !== undefined) checkKeyPaths(cx, doc, [...at, "require", "key"], step.require.key, scope);
  const enrich = step.enrich;
  if (enrich === undefined) return;
  const here = [...at, "enrich"];
  checkKeyPaths(cx, doc, [...here, "key"], enrich.key, scope);
  if (enrich.asOf !== undefined) expectFieldPath(cx, doc, [...here, "asOf"], enrich.asOf, scope.record);
  if (enrich.lookup === "xref") {
    for (const key of ["asOf", "wait"] as const) {
      if (enrich[key] !== undefined) cx.report(diagnostic("lookup-as-of-xref", { key }, doc.source.locate([...here, key], "key")));
    }
    return;
  }
  const identity = cx.set.entities.get(enrich.entity)?.value.spec.identity;
  const given = typeof enrich.key === "string" ? 1 : enrich.key.length;
  if (identity !== undefined && identity.length !== given) {
    cx.report(diagnostic("lookup-key-count", { entity: enrich.entity, identity: identity.join(", "), given }, doc.source.locate([...here, "key"])));
  }
}
