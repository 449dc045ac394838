/**
 * JSONata written in a route (conditions, classify rules, deliver params): each must parse and
 * read only fields the record has at its step, classes set before it (`$class.<as>`) or fields of
 * the variables its step binds (`$previous` in a correction); a condition must be able to give
 * true. Findings are located inside the expression.
 */
import { diagnostic, type Location } from "../diagnostics/diagnostic.ts";
import { nameHint } from "../diagnostics/suggest.ts";
import type { PathSegment } from "../parse/document.ts";
import { checkJsonata } from "./check-jsonata.ts";
import { unboundVariables } from "./unbound-variables.ts";
import type { JsonataNode } from "./mapping-types/ast.ts";
import { type Binding, describe, type Inference, infer, type ValueKind } from "./mapping-types/infer.ts";
import type { CheckContext } from "./report.ts";
import type { StepScope } from "./route-records.ts";
import type { BoundDocument } from "./spec-set.ts";

/** What an expression's value is for: a condition (must be able to give true) or any value. */
export type ExpressionRole = "condition" | "value";

/** Kinds of value that are never `true`, so a condition giving one never holds. */
const NEVER_TRUE = new Set(["string", "decimal", "number", "date", "object", "null"]);

/** The lookups bound at a step (`$<as>`), each typed as the record field the enrich step added. */
function lookupBindings(scope: StepScope): [string, Binding][] {
  return [...(scope.lookups ?? [])].map((name) => [name, { label: `$${name}`, fields: scope.record?.fields?.get(name)?.fields }]);
}

/** Checks the JSONata `text` written at `at` against the scope of its step; the kind of value it gives, when it parsed. */
export function checkRouteExpression(
  cx: CheckContext,
  doc: BoundDocument,
  at: readonly PathSegment[],
  text: string,
  scope: StepScope,
  role: ExpressionRole,
): ValueKind | undefined {
  const ast = checkJsonata(cx, doc, at, text);
  if (ast === null || typeof ast !== "object") return undefined;
  const inf: Inference = {
    text,
    label: scope.record?.label ?? "the record",
    nativeSource: true,
    unknownReads: [],
    bindings: new Map<string, Binding>([["class", { label: "$class", fields: scope.classes }], ...lookupBindings(scope), ...(scope.variables ?? [])]),
  };
  const kind = infer(inf, ast as JsonataNode, scope.record?.fields);
  const whole = doc.source.locate(at);
  const offsets = doc.source.stringOffsets?.(at);
  for (const read of inf.unknownReads) {
    const start = offsets === undefined ? whole.start : offsets(read.start);
    const location: Location = offsets === undefined ? whole : { file: whole.file, start, end: start + read.segment.length };
    cx.report(diagnostic("unknown-field", { field: read.segment, shape: read.within, ...nameHint(read.segment, read.candidates) }, location));
  }
  if (scope.lookups !== undefined) {
    const given = new Set(["class", ...scope.lookups, ...(scope.variables?.keys() ?? [])]);
    for (const read of unboundVariables(ast as JsonataNode, given)) {
      const start = offsets === undefined ? whole.start : offsets(Math.max(0, read.position - read.name.length - 1));
      const location: Location = offsets === undefined ? whole : { file: whole.file, start, end: start + read.name.length + 1 };
      const hint = nameHint(`$${read.name}`, [...given].map((name) => `$${name}`));
      cx.report(diagnostic("unbound-variable", { name: read.name, ...hint }, location));
    }
  }
  if (role === "condition" && NEVER_TRUE.has(kind.kind)) cx.report(diagnostic("condition-never-true", { value: describe(kind) }, whole));
  return kind;
}
