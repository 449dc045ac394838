/**
 * Deliver steps' path parameters: every `{param}` of the operation's path has a source (a
 * `params` entry, or a field of that name in the request body), every `params` key is a
 * parameter of the path, and each expression parses and reads only fields the record has at that
 * step. The record's shape is followed through the route: the trigger's payload, then each map
 * step's target, with the values enrich steps add since.
 */
import type { Step } from "../../model/index.ts";
import { diagnostic, type Location } from "../diagnostics/diagnostic.ts";
import { suggest } from "../diagnostics/suggest.ts";
import type { PathSegment } from "../parse/document.ts";
import { checkJsonata } from "./check-jsonata.ts";
import type { JsonataNode } from "./mapping-types/ast.ts";
import { type Inference, infer } from "./mapping-types/infer.ts";
import type { CheckContext } from "./report.ts";
import type { RecordShape, ShapeField } from "./shapes.ts";
import { type BoundDocument, shapeOf, triggerShape } from "./spec-set.ts";

const PATH_PARAMETER = /\{([^}/]+)\}/g;

/** The parameter names of an operation path, in order. */
export function pathParameters(path: string): string[] {
  return [...path.matchAll(PATH_PARAMETER)].map((m) => m[1] as string);
}

/** What the record is known to be at a step: a shape, or unknown (undefined). */
type Known = RecordShape | undefined;

/** The shape with an open field `as` added (an enriched value is not typed). */
function withEnriched(shape: Known, as: string): Known {
  if (shape?.fields === undefined) return shape;
  const fields = new Map<string, ShapeField>(shape.fields);
  fields.set(as, { name: as, type: "object", required: true });
  return { label: shape.label, fields };
}

/** Whether a body of `shape` may carry a field `name` (an open or unknown shape may). */
function mayCarry(shape: Known, name: string): boolean {
  return shape?.fields === undefined || shape.fields.has(name);
}

function checkExpression(cx: CheckContext, doc: BoundDocument<"Route">, at: PathSegment[], text: string, record: Known): void {
  const ast = checkJsonata(cx, doc, at, text);
  if (ast === undefined || record?.fields === undefined) return;
  const inf: Inference = { text, label: record.label, nativeSource: true, unknownReads: [] };
  infer(inf, ast as JsonataNode, record.fields);
  const whole = doc.source.locate(at);
  const offsets = doc.source.stringOffsets?.(at);
  for (const read of inf.unknownReads) {
    const start = offsets === undefined ? whole.start : offsets(read.start);
    const location: Location = offsets === undefined ? whole : { file: whole.file, start, end: start + read.segment.length };
    const suggestion = suggest(read.segment, read.candidates);
    cx.report(diagnostic("unknown-field", { field: read.segment, shape: read.within, ...(suggestion === undefined ? {} : { suggestion }) }, location));
  }
}

function checkDeliver(cx: CheckContext, doc: BoundDocument<"Route">, deliver: NonNullable<Step["deliver"]>, at: PathSegment[], record: Known): void {
  const [systemName, operationName] = deliver.operation.split(".") as [string, string];
  const operation = cx.set.systems.get(systemName)?.value.spec.operations?.[operationName];
  const params = deliver.params ?? {};
  for (const [name, text] of Object.entries(params)) checkExpression(cx, doc, [...at, "deliver", "params", name], text, record);
  // An unknown operation is reported by the reference check.
  if (operation === undefined) return;
  const declared = pathParameters(operation.path);
  for (const name of Object.keys(params)) {
    if (declared.includes(name)) continue;
    const suggestion = suggest(name, declared);
    cx.report(
      diagnostic(
        "unknown-path-param",
        { operation: deliver.operation, path: operation.path, param: name, ...(suggestion === undefined ? {} : { suggestion }) },
        doc.source.locate([...at, "deliver", "params", name], "key"),
      ),
    );
  }
  const mapping = deliver.mapping === undefined ? undefined : cx.set.mappings.get(deliver.mapping);
  // A named mapping that does not resolve is reported by the reference check; its body is unknown.
  const body: Known = deliver.mapping === undefined ? record : mapping === undefined ? undefined : shapeOf(cx.set, mapping.value.spec.target);
  for (const name of declared) {
    if (params[name] !== undefined || mayCarry(body, name)) continue;
    cx.report(diagnostic("missing-path-param", { operation: deliver.operation, path: operation.path, param: name }, doc.source.locate([...at, "deliver"], "key")));
  }
}

/** Checks the deliver steps of `steps`; returns what the record is after them. */
function visit(cx: CheckContext, doc: BoundDocument<"Route">, steps: readonly Step[], path: PathSegment[], start: Known): Known {
  let record = start;
  steps.forEach((step, index) => {
    const at = [...path, index];
    if (step.map !== undefined) {
      const mapping = cx.set.mappings.get(step.map);
      record = mapping === undefined ? undefined : shapeOf(cx.set, mapping.value.spec.target);
    }
    if (step.enrich !== undefined) record = withEnriched(record, step.enrich.as);
    if (step.deliver !== undefined) checkDeliver(cx, doc, step.deliver, at, record);
    if (step.branch !== undefined) {
      const before = record;
      const after = step.branch.map((branch, b) => visit(cx, doc, branch.steps as Step[], [...at, "branch", b, "steps"], before));
      // A branch that maps or enriches leaves the record in a shape only the run knows.
      if (after.some((shape) => shape !== before)) record = undefined;
    }
  });
  return record;
}

/** Checks the path parameters of every deliver step of a route. */
export function checkDeliverParams(cx: CheckContext, doc: BoundDocument<"Route">): void {
  visit(cx, doc, doc.value.spec.steps, ["spec", "steps"], triggerShape(cx.set, doc));
}
