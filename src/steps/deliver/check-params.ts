/**
 * Deliver steps' path parameters: every `{param}` of the operation's path has a source (a
 * `params` entry, or a field of that name in the request body), every `params` key is a
 * parameter of the path, and each expression parses and reads only fields the record has at that
 * step (src/compiler/check/route-records.ts follows the record through the route).
 */
import type { Step } from "../../model/index.ts";
import { diagnostic } from "../../compiler/diagnostics/diagnostic.ts";
import { nameHint } from "../../compiler/diagnostics/suggest.ts";
import type { PathSegment } from "../../compiler/parse/document.ts";
import type { CheckContext } from "../../compiler/check/report.ts";
import { checkRouteExpression } from "../../compiler/check/route-expressions.ts";
import type { Known, StepScope } from "../../compiler/check/route-records.ts";
import { type BoundDocument, shapeOf } from "../../compiler/check/spec-set.ts";

const PATH_PARAMETER = /\{([^}/]+)\}/g;

/** The parameter names of an operation path, in order. */
export function pathParameters(path: string): string[] {
  return [...path.matchAll(PATH_PARAMETER)].map((m) => m[1] as string);
}

/** Whether a body of `shape` may carry a field `name` (an open or unknown shape may). */
function mayCarry(shape: Known, name: string): boolean {
  return shape?.fields === undefined || shape.fields.has(name);
}

/** A call to an operation: a deliver step, or its correction's call. */
type Call = Pick<NonNullable<Step["deliver"]>, "operation" | "mapping" | "params">;

/**
 * Checks the path parameters of one call (a deliver step, whose fields sit at `base`, or its
 * correction's call), in the scope it runs in.
 */
export function checkDeliverParams(cx: CheckContext, doc: BoundDocument<"Route">, deliver: Call, base: PathSegment[], scope: StepScope): void {
  const [systemName, operationName] = deliver.operation.split(".") as [string, string];
  const operation = cx.set.systems.get(systemName)?.value.spec.operations?.[operationName];
  const params = deliver.params ?? {};
  for (const [name, text] of Object.entries(params)) checkRouteExpression(cx, doc, [...base, "params", name], text, scope, "value");
  // An unknown operation is reported by the reference check.
  if (operation === undefined) return;
  const declared = pathParameters(operation.path);
  for (const name of Object.keys(params)) {
    if (declared.includes(name)) continue;
    cx.report(
      diagnostic(
        "unknown-path-param",
        { operation: deliver.operation, path: operation.path, param: name, ...nameHint(name, declared) },
        doc.source.locate([...base, "params", name], "key"),
      ),
    );
  }
  const mapping = deliver.mapping === undefined ? undefined : cx.set.mappings.get(deliver.mapping);
  // A named mapping that does not resolve is reported by the reference check; its body is unknown.
  const body: Known = deliver.mapping === undefined ? scope.record : mapping === undefined ? undefined : shapeOf(cx.set, mapping.value.spec.target);
  for (const name of declared) {
    if (params[name] !== undefined || mayCarry(body, name)) continue;
    cx.report(diagnostic("missing-path-param", { operation: deliver.operation, path: operation.path, param: name }, doc.source.locate(base, "key")));
  }
}
