/**
 * Deliver steps' query and header parameters: each is one the operation declares
 * (`parameters.query`, `parameters.headers`), every required one is given, and each expression
 * reads only fields the record has at the step and gives a value of the declared type.
 */
import type { Step } from "../../model/index.ts";
import { diagnostic } from "../../compiler/diagnostics/diagnostic.ts";
import { nameHint } from "../../compiler/diagnostics/suggest.ts";
import type { PathSegment } from "../../compiler/parse/document.ts";
import { mismatch } from "../../compiler/check/mapping-types/check-mapping-types.ts";
import type { CheckContext } from "../../compiler/check/report.ts";
import { checkRouteExpression } from "../../compiler/check/route-expressions.ts";
import type { StepScope } from "../../compiler/check/route-records.ts";
import type { BoundDocument } from "../../compiler/check/spec-set.ts";

type Deliver = NonNullable<Step["deliver"]>;

/** Checks the query and header parameters of one deliver step, in the scope it runs in. */
export function checkRequestParams(cx: CheckContext, doc: BoundDocument<"Route">, deliver: Deliver, at: PathSegment[], scope: StepScope): void {
  const [systemName, operationName] = deliver.operation.split(".") as [string, string];
  const operation = cx.set.systems.get(systemName)?.value.spec.operations?.[operationName];
  for (const where of ["query", "headers"] as const) {
    const given = deliver[where] ?? {};
    // Header names are case-insensitive in HTTP.
    const declared = new Map(Object.entries(operation?.parameters?.[where] ?? {}).map(([name, p]) => [where === "headers" ? name.toLowerCase() : name, { name, ...p }]));
    for (const [name, text] of Object.entries(given)) {
      const here = [...at, "deliver", where, name];
      const kind = checkRouteExpression(cx, doc, here, text, scope, "value");
      // An unknown operation is reported by the reference check.
      if (operation === undefined) continue;
      const parameter = declared.get(where === "headers" ? name.toLowerCase() : name);
      if (parameter === undefined) {
        const hint = nameHint(name, [...declared.values()].map((p) => p.name));
        cx.report(diagnostic("unknown-request-param", { operation: deliver.operation, where, param: name, ...hint }, doc.source.locate(here, "key")));
        continue;
      }
      const wrong = kind === undefined ? undefined : mismatch({ name, type: parameter.type, required: parameter.required === true }, kind);
      if (wrong !== undefined) cx.report(diagnostic("request-param-type", { param: name, type: parameter.type, actual: wrong }, doc.source.locate(here)));
    }
    if (operation === undefined) continue;
    const givenNames = new Set(Object.keys(given).map((n) => (where === "headers" ? n.toLowerCase() : n)));
    for (const [key, parameter] of declared) {
      if (parameter.required === true && !givenNames.has(key)) {
        cx.report(diagnostic("missing-request-param", { operation: deliver.operation, where, param: parameter.name }, doc.source.locate([...at, "deliver"], "key")));
      }
    }
  }
}
