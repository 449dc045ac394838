/**
 * A route's expressions: the trigger's `when`, each step's `when`, and the expressions each step's
 * kind holds (classify rules, branch conditions, deliver params), checked against the record as it
 * is where they are evaluated (a step's before the step runs), with the classes set before them
 * bound as `$class`.
 */
import type { Step } from "../../model/index.ts";
import type { StepCheck } from "../../steps/compile-kind.ts";
import { declaredKinds } from "../../steps/compile-registry.ts";
import type { PathSegment } from "../parse/document.ts";
import type { CheckContext } from "./report.ts";
import { checkRouteExpression } from "./route-expressions.ts";
import { type StepScope, triggerScope } from "./route-records.ts";
import type { BoundDocument } from "./spec-set.ts";

/** Checks the trigger's condition. */
export function checkTriggerCondition(cx: CheckContext, doc: BoundDocument<"Route">): void {
  const when = doc.value.spec.trigger.when;
  if (when !== undefined) checkRouteExpression(cx, doc, ["spec", "trigger", "when"], when, triggerScope(cx, doc), "condition");
}

/** Checks the expressions one step holds (its condition, then its kind's), in the scope it runs in. */
export function checkStepExpressions(check: StepCheck, step: Step, at: PathSegment[], scope: StepScope): void {
  if (step.when !== undefined) checkRouteExpression(check.cx, check.doc, [...at, "when"], step.when, scope, "condition");
  for (const { compiler, spec } of declaredKinds(step)) compiler.checkExpressions?.(check, spec, at, scope);
}
