/**
 * What a route's record is at each step, for the checks that read expressions over it (step and
 * branch conditions, classify rules, deliver params): the trigger's payload, then each map step's
 * target, with the values enrich steps add since; and the classes classify steps have set, bound
 * as `$class`. Where only the run can tell (after a branch that maps or enriches, or a map step
 * with a condition) the record is unknown. How each kind changes the scope is its compiler half's
 * `after` (src/steps/<kind>/compile.ts).
 */
import type { Step } from "../../model/index.ts";
import type { RecordFlow } from "../../steps/compile-kind.ts";
import { declaredKinds } from "../../steps/compile-registry.ts";
import type { PathSegment } from "../parse/document.ts";
import type { Binding } from "./mapping-types/infer.ts";
import type { CheckContext } from "./report.ts";
import type { RecordShape, ShapeField } from "./shapes.ts";
import { type BoundDocument, triggerShape } from "./spec-set.ts";

/** What the record is known to be at a step: a shape, or unknown (undefined). */
export type Known = RecordShape | undefined;

/** What an expression at a step reads: the record, and the classes set so far (`$class.<as>`). */
export interface StepScope {
  record: Known;
  classes: ReadonlyMap<string, ShapeField>;
  /**
   * The lookups bound so far (`$<enrich as>`); an expression reading another `$variable` it does not
   * bind itself is an error. Undefined where only the run can tell, and then not checked.
   */
  lookups?: ReadonlySet<string>;
  /** Variables bound with a known type besides the lookups (`$previous` in a correction's parameters). */
  variables?: ReadonlyMap<string, Binding>;
}

/** Called with each step, its path in the document and the scope it runs in (before its own effect). */
export type StepVisitor = (step: Step, at: PathSegment[], scope: StepScope) => void;

/** The scope after `step` has run, as the first of its kinds that changes it says (nested steps are visited there). */
function after(cx: CheckContext, step: Step, at: PathSegment[], scope: StepScope, visit: StepVisitor): StepScope {
  const flow: RecordFlow = { cx, walk: (steps, nestedAt, start) => walk(cx, steps, nestedAt, start, visit) };
  for (const { compiler, spec } of declaredKinds(step)) {
    if (compiler.after !== undefined) return compiler.after(flow, spec, step, at, scope);
  }
  return scope;
}

function walk(cx: CheckContext, steps: readonly Step[], path: PathSegment[], start: StepScope, visit: StepVisitor): StepScope {
  let scope = start;
  steps.forEach((step, index) => {
    const at = [...path, index];
    visit(step, at, scope);
    scope = after(cx, step, at, scope, visit);
  });
  return scope;
}

/** The scope a route's trigger condition reads: the trigger's payload, no classes yet. */
export function triggerScope(cx: CheckContext, doc: BoundDocument<"Route">): StepScope {
  return { record: triggerShape(cx.set, doc), classes: new Map(), lookups: new Set() };
}

/** Visits every step of a route in order, branches included, with the scope each runs in. */
export function walkRouteSteps(cx: CheckContext, doc: BoundDocument<"Route">, visit: StepVisitor): void {
  walk(cx, doc.value.spec.steps, ["spec", "steps"], triggerScope(cx, doc), visit);
}
