/**
 * A deliver step's correction in the compiler: on a versioned route every step that posts declares
 * how a newer version corrects what it posted (`reverse`, `adjust` or `update`), exactly one way;
 * the correction's call is checked like the step's own (operation, mapping producing its request,
 * path parameters, with `$previous` bound) and calls the step's own system, a route whose record
 * can be voided reverses, and a correction on a route without versions is refused. Lowered beside
 * the step.
 */
import { diagnostic } from "../../compiler/diagnostics/diagnostic.ts";
import type { PathSegment } from "../../compiler/parse/document.ts";
import { previousVariable } from "../../compiler/check/mapping-types/previous.ts";
import type { StepScope } from "../../compiler/check/route-records.ts";
import type { CorrectionDefinition } from "../../pipeline/definitions.ts";
import type { LoweredTransform } from "../../pipeline/lowered.ts";
import type { StepCheck, StepLowering, StepSpecOf } from "../compile-kind.ts";
import { checkDeliverParams } from "./check-params.ts";

type Deliver = StepSpecOf<"deliver">;
type Kind = CorrectionDefinition["kind"];
type Call = NonNullable<NonNullable<Deliver["correction"]>[Kind]>;

/** The ways a correction may take, in the order they are listed. */
export const CORRECTION_KINDS: readonly Kind[] = ["reverse", "adjust", "update"];

/** Operation names that read as undoing or replacing a posting, offered when a correction is missing. */
const CORRECTING = /revers|credit|void|cancel|adjust|withdraw|delete|remove|update|amend/i;

/** The correction's kind and call, when the step declares exactly one. */
export function correctionOf(deliver: Deliver): { kind: Kind; call: Call } | undefined {
  const declared = CORRECTION_KINDS.filter((k) => deliver.correction?.[k] !== undefined);
  if (declared.length !== 1) return undefined;
  const kind = declared[0] as Kind;
  return { kind, call: deliver.correction?.[kind] as Call };
}

/** The operations of `system` that read as correcting a posting, for the missing correction's message. */
function offers(check: StepCheck, operation: string): string {
  const [system = ""] = operation.split(".");
  const names = Object.entries(check.cx.set.systems.get(system)?.value.spec.operations ?? {})
    .filter(([name, op]) => `${system}.${name}` !== operation && op.method !== "GET" && CORRECTING.test(name))
    .map(([name]) => `'${system}.${name}'`);
  return names.length === 0 ? "" : `; ${system} offers ${names.join(", ")}`;
}

/** Whether calling `operation` changes its target (anything but a read). */
function posts(check: StepCheck, operation: string): boolean {
  const [system = "", name = ""] = operation.split(".");
  const op = check.cx.set.systems.get(system)?.value.spec.operations?.[name];
  return op !== undefined && op.method !== "GET" && op.effect !== "read";
}

/**
 * Checks a deliver step's correction against its route: present exactly once where the route is
 * versioned and the step posts, absent where it is not, a reversal where the record can be voided,
 * and its call's names resolved (`checkCall` checks the mapping against the operation's request).
 */
export function checkCorrectionReferences(check: StepCheck, deliver: Deliver, at: PathSegment[], checkCall: (call: Call, base: PathSegment[]) => void): void {
  const { cx, doc } = check;
  const versioning = doc.value.spec.versioning;
  const here = [...at, "deliver", "correction"];
  if (deliver.correction === undefined) {
    if (versioning !== undefined && posts(check, deliver.operation)) {
      cx.report(diagnostic("correction-missing", { operation: deliver.operation, offers: offers(check, deliver.operation) }, doc.source.locate([...at, "deliver"], "key")));
    }
    return;
  }
  if (versioning === undefined) cx.report(diagnostic("correction-unversioned", {}, doc.source.locate(here, "key")));
  const declared = CORRECTION_KINDS.filter((k) => deliver.correction?.[k] !== undefined);
  if (declared.length !== 1) cx.report(diagnostic("correction-kind", { count: declared.length }, doc.source.locate(here)));
  const [system] = deliver.operation.split(".");
  for (const kind of declared) {
    const call = deliver.correction[kind] as Call;
    checkCall(call, [...here, kind]);
    // What was posted is kept per target: only the target that holds it can correct it.
    const [calls] = call.operation.split(".");
    if (calls !== system && cx.set.systems.has(calls ?? "")) {
      cx.report(diagnostic("correction-system", { operation: call.operation, system: system ?? "" }, doc.source.locate([...here, kind, "operation"])));
    }
    if (versioning?.void !== undefined && kind !== "reverse") {
      cx.report(diagnostic("void-needs-reverse", { kind, event: versioning.void.event }, doc.source.locate([...here, kind], "key")));
    }
  }
}

/**
 * Checks the correction's path parameters in the step's scope, `$previous` bound to what the step
 * posted: its fields are checked as a mapping's reads of it are.
 */
export function checkCorrectionExpressions(check: StepCheck, deliver: Deliver, at: PathSegment[], scope: StepScope): void {
  const variables = new Map([...(scope.variables ?? []), ["previous", previousVariable(check.cx.set, deliver.operation)]]);
  for (const kind of CORRECTION_KINDS) {
    const call = deliver.correction?.[kind];
    if (call === undefined) continue;
    checkDeliverParams(check.cx, check.doc, call, [...at, "deliver", "correction", kind], { ...scope, variables });
  }
}

/** The mappings the correction applies, where its mapping is named. */
export function correctionMappings(deliver: Deliver, at: PathSegment[]): [PathSegment[], string][] {
  return CORRECTION_KINDS.flatMap((kind): [PathSegment[], string][] => {
    const mapping = deliver.correction?.[kind]?.mapping;
    return mapping === undefined ? [] : [[[...at, "deliver", "correction", kind, "mapping"], mapping]];
  });
}

/** The lowered correction of a deliver step `id`, its expressions named `<id>.correction.<field>`. */
export function lowerCorrection(lowering: StepLowering, deliver: Deliver, id: string): CorrectionDefinition<LoweredTransform> | undefined {
  const found = correctionOf(deliver);
  if (found === undefined) return undefined;
  const { kind, call } = found;
  const [system, operation] = call.operation.split(".") as [string, string];
  const params = call.params === undefined ? undefined : Object.fromEntries(Object.entries(call.params).map(([name, source]) => [name, lowering.expression(`${id}.correction.params.${name}`, source)]));
  return {
    kind,
    system,
    operation,
    ...(call.mapping !== undefined ? { mapping: call.mapping, transform: lowering.mapping(call.mapping) } : {}),
    ...(params !== undefined ? { params } : {}),
  };
}
