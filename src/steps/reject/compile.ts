/**
 * The reject step in the compiler: its message is checked against the record where it runs, and
 * lowered as an expression. Its release, when declared, names a kept entity: the key is a field of
 * the record at the step, the watched field one of the entity's, and the value one it can hold.
 */
import { diagnostic } from "../../compiler/diagnostics/diagnostic.ts";
import { expectFieldPath } from "../../compiler/check/report.ts";
import { checkRouteExpression } from "../../compiler/check/route-expressions.ts";
import { entityShape } from "../../compiler/check/shapes.ts";
import { forEachStep } from "../../compiler/check/spec-set.ts";
import type { PathSegment } from "../../compiler/parse/document.ts";
import type { StepCheck, StepCompiler, StepSpecOf } from "../compile-kind.ts";

type Release = NonNullable<StepSpecOf<"reject">["release"]>;
type Scope = Parameters<NonNullable<StepCompiler<"reject">["checkExpressions"]>>[3];

/** True when some route of the set keeps records of `entity`. */
function isKept(check: StepCheck, entity: string): boolean {
  let kept = false;
  for (const route of check.cx.set.routes.values()) {
    forEachStep(route, (step) => {
      if ((step["keep"] as { entity?: string } | undefined)?.entity === entity) kept = true;
    });
  }
  return kept;
}

function checkRelease(check: StepCheck, release: Release, at: PathSegment[], scope: Scope): void {
  const doc = check.doc;
  expectFieldPath(check.cx, doc, [...at, "key"], release.key, scope.record);
  const entity = check.cx.set.entities.get(release.entity);
  if (entity === undefined) return;
  const field = expectFieldPath(check.cx, doc, [...at, "field"], release.field, entityShape(release.entity, entity.value.spec));
  if (field?.values !== undefined && !field.values.includes(release.equals)) {
    const values = field.values.map((v) => `'${v}'`).join(", ");
    check.cx.report(diagnostic("release-value", { field: release.field, value: release.equals, values }, doc.source.locate([...at, "equals"])));
  }
  if (!isKept(check, release.entity)) check.cx.report(diagnostic("release-not-kept", { entity: release.entity }, doc.source.locate([...at, "entity"])));
}

/** The reject kind in the compiler. */
export const rejectCompiler: StepCompiler<"reject"> = {
  kind: "reject",
  checkReferences(check, reject, at) {
    if (reject.release !== undefined) check.entity([...at, "reject", "release", "entity"], reject.release.entity);
  },
  checkExpressions(check, reject, at, scope) {
    checkRouteExpression(check.cx, check.doc, [...at, "reject", "message"], reject.message, scope, "value");
    if (reject.release !== undefined) checkRelease(check, reject.release, [...at, "reject", "release"], scope);
  },
  lower: (lowering, r, id) => ({
    reason: r.reason,
    message: lowering.expression(`${id}.message`, r.message),
    queue: r.queue,
    owner: r.owner,
    ...(r.release !== undefined ? { release: { ...r.release } } : {}),
  }),
  describe: (r) =>
    `reject as ${r.reason} to ${r.queue} (owned by ${r.owner})${r.release === undefined ? "" : `, released when ${r.release.entity} ${r.release.key} has ${r.release.field} '${r.release.equals}'`}`,
};
