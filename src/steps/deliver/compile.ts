/**
 * The deliver step in the compiler: it names a `system.operation` and maybe the mapping that
 * builds the request, which must produce that operation's request schema; its path parameters are
 * checked against the operation's path and the record (check-params.ts), its query and header
 * parameters against the operation's declared ones (check-request-params.ts), its correction of
 * an earlier version's posting against the route's versioning (correction.ts).
 */
import { diagnostic } from "../../compiler/diagnostics/diagnostic.ts";
import type { PathSegment } from "../../compiler/parse/document.ts";
import type { StepCheck, StepCompiler, StepSpecOf } from "../compile-kind.ts";
import { checkDeliverParams } from "./check-params.ts";
import { checkRequestParams } from "./check-request-params.ts";
import { checkCorrectionExpressions, checkCorrectionReferences, correctionMappings, correctionOf, lowerCorrection } from "./correction.ts";

/** The sentence `spec docs` adds for a step's correction. */
function describeCorrection(deliver: StepSpecOf<"deliver">): string {
  const found = correctionOf(deliver);
  if (found === undefined) return "";
  const { kind, call } = found;
  const using = call.mapping === undefined ? "" : ` mapped by ${call.mapping}`;
  if (kind === "reverse") return `; a newer version first reverses what was posted through ${call.operation}${using}, then posts`;
  if (kind === "adjust") return `; a newer version posts the difference from what was posted through ${call.operation}${using}`;
  return `; a newer version updates what was posted in place through ${call.operation}${using}`;
}

/** Reports a mapping that does not produce the request schema of the operation it is delivered to (the call's fields sit at `base`). */
function checkMappingProducesRequest(check: StepCheck, deliver: Pick<StepSpecOf<"deliver">, "operation" | "mapping">, base: PathSegment[], target: { system: string; operation: string }): void {
  const set = check.cx.set;
  const mapping = set.mappings.get(deliver.mapping ?? "");
  const system = set.systems.get(target.system);
  const request = system?.value.spec.operations?.[target.operation]?.request;
  if (mapping === undefined || request === undefined) return;
  const produced = mapping.value.spec.target;
  const resolves =
    produced.entity !== undefined
      ? set.entities.has(produced.entity)
      : set.systems.get(produced.system ?? "")?.value.spec.schemas?.[produced.schema ?? ""] !== undefined;
  // A mapping whose own target does not resolve is reported there; say nothing twice.
  if (!resolves || (produced.system === target.system && produced.schema === request)) return;
  const makes = produced.entity !== undefined ? `entity ${produced.entity}` : `${produced.system} schema ${produced.schema}`;
  const detail = `mapping '${mapping.name}' produces ${makes}, but ${deliver.operation} takes ${target.system} schema ${request}`;
  check.cx.report(diagnostic("mapping-mismatch", { detail }, check.doc.source.locate([...base, "mapping"])));
}

/** The deliver kind in the compiler. */
export const deliverCompiler: StepCompiler<"deliver"> = {
  kind: "deliver",
  checkReferences(check, deliver, at) {
    const checkCall = (call: Pick<StepSpecOf<"deliver">, "operation" | "mapping">, base: PathSegment[]) => {
      const target = check.operation([...base, "operation"], call.operation);
      if (call.mapping === undefined || !check.mapping([...base, "mapping"], call.mapping)) return;
      if (target !== undefined) checkMappingProducesRequest(check, call, base, target);
    };
    checkCall(deliver, [...at, "deliver"]);
    checkCorrectionReferences(check, deliver, at, checkCall);
  },
  checkExpressions(check, deliver, at, scope) {
    checkDeliverParams(check.cx, check.doc, deliver, [...at, "deliver"], scope);
    checkRequestParams(check.cx, check.doc, deliver, at, scope);
    checkCorrectionExpressions(check, deliver, at, scope);
  },
  mappingsApplied: (deliver, at) => [...(deliver.mapping === undefined ? [] : [[[...at, "deliver", "mapping"], deliver.mapping] as [PathSegment[], string]]), ...correctionMappings(deliver, at)],
  lower(lowering, deliver, id) {
    const [system, operation] = deliver.operation.split(".") as [string, string];
    const { mapping, params, query, headers } = deliver;
    const correction = lowerCorrection(lowering, deliver, id);
    const expressions = (field: string, sources: Record<string, string>) =>
      Object.fromEntries(Object.entries(sources).map(([name, source]) => [name, lowering.expression(`${id}.${field}.${name}`, source)]));
    return {
      system,
      operation,
      ...(mapping !== undefined ? { mapping, transform: lowering.mapping(mapping) } : {}),
      ...(params !== undefined ? { params: expressions("params", params) } : {}),
      ...(query !== undefined ? { query: expressions("query", query) } : {}),
      ...(headers !== undefined ? { headers: expressions("headers", headers) } : {}),
      ...(correction !== undefined ? { correction } : {}),
    };
  },
  describe: (d) => `deliver to ${d.operation}${d.mapping === undefined ? "" : ` mapped by ${d.mapping}`}${describeCorrection(d)}`,
  diagram: (d) => {
    const [system = "", operation = ""] = d.operation.split(".");
    return { calls: { system, operation } };
  },
};
