/**
 * A mapping applied in a route (a `map` step, or a deliver step's `using`) must be able to read the
 * record the route has at that step: a mapping written for another shape (the canonical entity,
 * when the route still holds the source system's native payload because its `map` step was
 * deleted) is an error when that record lacks a field the mapping's source requires. A record of
 * the same shape, or one that carries every required field, passes.
 */
import type { Step } from "../../model/index.ts";
import { declaredKinds } from "../../steps/compile-registry.ts";
import { diagnostic } from "../diagnostics/diagnostic.ts";
import type { PathSegment } from "../parse/document.ts";
import type { CheckContext } from "./report.ts";
import type { StepScope } from "./route-records.ts";
import { type BoundDocument, shapeOf } from "./spec-set.ts";

/** Checks the mappings one step applies (as its kinds say) against the record at the step. */
export function checkMappingInput(cx: CheckContext, doc: BoundDocument<"Route">, step: Step, at: PathSegment[], scope: StepScope): void {
  const record = scope.record;
  if (record === undefined) return;
  for (const { compiler, spec } of declaredKinds(step)) {
    for (const [path, name] of compiler.mappingsApplied?.(spec, at) ?? []) {
      const mapping = cx.set.mappings.get(name);
      const source = mapping === undefined ? undefined : shapeOf(cx.set, mapping.value.spec.source);
      if (source?.fields === undefined || record.fields === undefined || source.label === record.label) continue;
      const lacking = [...source.fields.values()].filter((field) => field.required && !record.fields?.has(field.name)).map((field) => field.name);
      if (lacking.length === 0) continue;
      const hint = mapping?.value.spec.source.entity !== undefined && !record.label.startsWith("entity ") ? `; map it to ${source.label} first` : "";
      cx.report(diagnostic("mapping-input-mismatch", { mapping: name, reads: source.label, record: record.label, lacking: lacking.join(", "), hint }, doc.source.locate(path)));
    }
  }
}
