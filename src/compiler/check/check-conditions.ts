/**
 * A route's conditions: the trigger's `when`, each step's `when`, each classify rule's `when` and
 * each branch's `when`, checked against the record as it is where they are evaluated (a step's
 * condition before the step runs), with the classes set before them bound as `$class`.
 */
import type { Step } from "../../model/index.ts";
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

/** Checks the conditions one step holds, in the scope it runs in. */
export function checkStepConditions(cx: CheckContext, doc: BoundDocument<"Route">, step: Step, at: PathSegment[], scope: StepScope): void {
  if (step.when !== undefined) checkRouteExpression(cx, doc, [...at, "when"], step.when, scope, "condition");
  step.classify?.rules.forEach((rule, i) => checkRouteExpression(cx, doc, [...at, "classify", "rules", i, "when"], rule.when, scope, "condition"));
  step.branch?.forEach((branch, i) => {
    if (branch.when !== undefined) checkRouteExpression(cx, doc, [...at, "branch", i, "when"], branch.when, scope, "condition");
  });
}
