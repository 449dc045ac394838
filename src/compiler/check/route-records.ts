/**
 * What a route's record is at each step, for the checks that read expressions over it (step and
 * branch conditions, classify rules, deliver params): the trigger's payload, then each map step's
 * target, with the values enrich steps add since; and the classes classify steps have set, bound
 * as `$class`. Where only the run can tell (after a branch that maps or enriches, or a map step
 * with a condition) the record is unknown.
 */
import type { Step } from "../../model/index.ts";
import type { PathSegment } from "../parse/document.ts";
import type { CheckContext } from "./report.ts";
import { entityShape, type RecordShape, type ShapeField } from "./shapes.ts";
import { type BoundDocument, shapeOf, triggerShape } from "./spec-set.ts";

/** What the record is known to be at a step: a shape, or unknown (undefined). */
export type Known = RecordShape | undefined;

/** What an expression at a step reads: the record, and the classes set so far (`$class.<as>`). */
export interface StepScope {
  record: Known;
  classes: ReadonlyMap<string, ShapeField>;
}

/** Called with each step, its path in the document and the scope it runs in (before its own effect). */
export type StepVisitor = (step: Step, at: PathSegment[], scope: StepScope) => void;

/** Validity fields a reference record may carry beside the entity's own. */
const VALIDITY: readonly ShapeField[] = [
  { name: "validFrom", type: "date", required: false },
  { name: "validTo", type: "date", required: false },
];

/**
 * The value an enrich step adds: a cross-reference is the other system's id (a string); reference
 * data or a kept record is a record of the entity (its fields, and its validity dates), open when
 * the entity is unknown.
 */
function enrichedField(cx: CheckContext, enrich: NonNullable<Step["enrich"]>): ShapeField {
  if (enrich.lookup === "xref") return { name: enrich.as, type: "string", required: true };
  const entity = cx.set.entities.get(enrich.entity);
  if (entity === undefined) return { name: enrich.as, type: "object", required: true };
  const fields = new Map(entityShape(entity.name, entity.value.spec).fields);
  for (const field of VALIDITY) if (!fields.has(field.name)) fields.set(field.name, field);
  return { name: enrich.as, type: "object", required: true, fields };
}

/** The shape with the enriched field `as` added. */
function withEnriched(shape: Known, field: ShapeField): Known {
  if (shape?.fields === undefined) return shape;
  const fields = new Map<string, ShapeField>(shape.fields);
  fields.set(field.name, field);
  return { label: shape.label, fields };
}

/** The classes with `classify.as` added: an enum of the values its rules and otherwise give. */
function withClass(classes: ReadonlyMap<string, ShapeField>, classify: NonNullable<Step["classify"]>): ReadonlyMap<string, ShapeField> {
  const values = [...new Set([...classify.rules.map((rule) => rule.value), classify.otherwise])];
  return new Map(classes).set(classify.as, { name: classify.as, type: "enum", required: true, values });
}

/** The scope after `step` has run (branches are walked, and their steps visited, here). */
function after(cx: CheckContext, step: Step, at: PathSegment[], scope: StepScope, visit: StepVisitor): StepScope {
  if (step.map !== undefined) {
    const mapping = cx.set.mappings.get(step.map);
    const mapped = mapping === undefined ? undefined : shapeOf(cx.set, mapping.value.spec.target);
    // A map step with a condition may or may not have run.
    return { ...scope, record: step.when === undefined ? mapped : undefined };
  }
  if (step.enrich !== undefined) return { ...scope, record: withEnriched(scope.record, enrichedField(cx, step.enrich)) };
  if (step.classify !== undefined) return { ...scope, classes: withClass(scope.classes, step.classify) };
  if (step.branch !== undefined) {
    const ends = step.branch.map((branch, b) => walk(cx, branch.steps as Step[], [...at, "branch", b, "steps"], scope, visit));
    // A branch that maps or enriches leaves the record in a shape only the run knows; a class one
    // branch sets may be read after it.
    const classes = new Map(scope.classes);
    for (const end of ends) for (const [name, field] of end.classes) classes.set(name, field);
    return { record: ends.some((end) => end.record !== scope.record) ? undefined : scope.record, classes };
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
  return { record: triggerShape(cx.set, doc), classes: new Map() };
}

/** Visits every step of a route in order, branches included, with the scope each runs in. */
export function walkRouteSteps(cx: CheckContext, doc: BoundDocument<"Route">, visit: StepVisitor): void {
  walk(cx, doc.value.spec.steps, ["spec", "steps"], triggerScope(cx, doc), visit);
}
