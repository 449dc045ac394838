/**
 * JSONata written in a route (conditions, classify rules, deliver params): each must parse and
 * read only fields the record has at its step, or classes set before it (`$class.<as>`); a
 * condition must be able to give true. Findings are located inside the expression.
 */
import { diagnostic, type Location } from "../diagnostics/diagnostic.ts";
import { nameHint } from "../diagnostics/suggest.ts";
import type { PathSegment } from "../parse/document.ts";
import { checkJsonata } from "./check-jsonata.ts";
import type { JsonataNode } from "./mapping-types/ast.ts";
import { describe, type Inference, infer, type ValueKind } from "./mapping-types/infer.ts";
import type { CheckContext } from "./report.ts";
import type { StepScope } from "./route-records.ts";
import type { BoundDocument } from "./spec-set.ts";

/** What an expression's value is for: a condition (must be able to give true) or any value. */
export type ExpressionRole = "condition" | "value";

/** Kinds of value that are never `true`, so a condition giving one never holds. */
const NEVER_TRUE = new Set(["string", "decimal", "number", "date", "object", "null"]);

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
    bindings: new Map([["class", { label: "$class", fields: scope.classes }]]),
  };
  const kind = infer(inf, ast as JsonataNode, scope.record?.fields);
  const whole = doc.source.locate(at);
  const offsets = doc.source.stringOffsets?.(at);
  for (const read of inf.unknownReads) {
    const start = offsets === undefined ? whole.start : offsets(read.start);
    const location: Location = offsets === undefined ? whole : { file: whole.file, start, end: start + read.segment.length };
    cx.report(diagnostic("unknown-field", { field: read.segment, shape: read.within, ...nameHint(read.segment, read.candidates) }, location));
  }
  if (role === "condition" && NEVER_TRUE.has(kind.kind)) cx.report(diagnostic("condition-never-true", { value: describe(kind) }, whole));
  return kind;
}
