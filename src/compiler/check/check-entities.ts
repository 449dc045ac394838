/** Entity documents: reference targets, identity paths, enum values, currency fields, the lifecycle and the seed file. */
import type { Field } from "../../model/index.ts";
import { dirname, resolve } from "node:path";
import { diagnostic } from "../diagnostics/diagnostic.ts";
import { checkGuardedFile, MAX_REFERENCED_FILE_BYTES, refusalDiagnostic } from "../read-file.ts";
import type { PathSegment } from "../parse/document.ts";
import { type CheckContext, expectFieldPath, expectName } from "./report.ts";
import { entityShape } from "./shapes.ts";
import type { BoundDocument } from "./spec-set.ts";

function checkField(cx: CheckContext, doc: BoundDocument<"Entity">, field: Field, path: PathSegment[]): void {
  if (field.type === "reference") {
    if (field.entity === undefined) cx.report(diagnostic("missing-key", { where: "a reference field", key: "entity" }, doc.source.locate(path, "key")));
    else expectName(cx, doc, [...path, "entity"], "entity", field.entity, cx.set.entities.keys(), { kind: "Entity" });
  }
  if (field.type === "enum" && field.values === undefined) {
    cx.report(diagnostic("missing-key", { where: "an enum field", key: "values" }, doc.source.locate(path, "key")));
  }
  if (field.type === "array" && field.items === undefined) {
    cx.report(diagnostic("missing-key", { where: "an array field", key: "items" }, doc.source.locate(path, "key")));
  }
  if (field.items !== undefined) checkField(cx, doc, field.items, [...path, "items"]);
  for (const [name, nested] of Object.entries(field.fields ?? {})) checkField(cx, doc, nested, [...path, "fields", name]);
}

/** Checks one Entity document. */
export function checkEntity(cx: CheckContext, doc: BoundDocument<"Entity">): void {
  const spec = doc.value.spec;
  const shape = entityShape(doc.name, spec);
  for (const [name, field] of Object.entries(spec.fields)) {
    checkField(cx, doc, field, ["spec", "fields", name]);
    if (field.currencyField !== undefined) {
      expectFieldPath(cx, doc, ["spec", "fields", name, "currencyField"], field.currencyField, shape);
    }
  }
  spec.identity.forEach((path, i) => expectFieldPath(cx, doc, ["spec", "identity", i], path, shape));
  if (spec.seed !== undefined) {
    // Only that it is there to read: its records are checked when it is loaded, each located by line or row.
    const [, refusal] = checkGuardedFile(resolve(dirname(doc.source.file.path), spec.seed), { maxBytes: MAX_REFERENCED_FILE_BYTES });
    if (refusal !== undefined) cx.report(refusalDiagnostic(refusal, spec.seed, doc.source.locate(["spec", "seed"])));
  }
  const lifecycle = spec.lifecycle;
  if (lifecycle === undefined) return;
  const field = expectFieldPath(cx, doc, ["spec", "lifecycle", "field"], lifecycle.field, shape);
  if (field === undefined) return;
  if (field.type !== "enum" || field.values === undefined) {
    cx.report(
      diagnostic("invalid-lifecycle", { detail: `the lifecycle field '${lifecycle.field}' must be an enum field` }, doc.source.locate(["spec", "lifecycle", "field"])),
    );
    return;
  }
  const states = field.values;
  const expectState = (path: PathSegment[], state: string) =>
    expectName(cx, doc, path, "state", state, states, { scope: `the values of ${lifecycle.field}` });
  expectState(["spec", "lifecycle", "initial"], lifecycle.initial);
  for (const [from, targets] of Object.entries(lifecycle.transitions)) {
    if (!states.includes(from)) expectName(cx, doc, ["spec", "lifecycle", "transitions", from], "state", from, states, { scope: `the values of ${lifecycle.field}` });
    targets.forEach((to, i) => expectState(["spec", "lifecycle", "transitions", from, i], to));
  }
}
