/**
 * A mapping applied in a route (a `map` step, or a deliver step's `using`) must be able to read the
 * record the route has at that step: a mapping written for another shape (the canonical entity,
 * when the route still holds the source system's native payload because its `map` step was
 * deleted) is an error when that record lacks a field the mapping's source requires. A record of
 * the same shape, or one that carries every required field, passes.
 */
import jsonata from "jsonata";
import type { Step } from "../../model/index.ts";
import { declaredKinds } from "../../steps/compile-registry.ts";
import { diagnostic } from "../diagnostics/diagnostic.ts";
import type { PathSegment } from "../parse/document.ts";
import type { CheckContext } from "./report.ts";
import { topLevelReads } from "./mapping-types/ast.ts";
import type { StepScope } from "./route-records.ts";
import type { RecordShape } from "./shapes.ts";
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
      const lacking =
        record.partOf !== undefined && record.partOf === mapping?.value.spec.source.entity
          ? readsLacking(mapping.value.spec.expression, source, record)
          : [...source.fields.values()].filter((field) => field.required && !record.fields?.has(field.name)).map((field) => field.name);
      if (lacking.length === 0) continue;
      const hint = mapping?.value.spec.source.entity !== undefined && !record.label.startsWith("entity ") ? `; map it to ${source.label} first` : "";
      cx.report(diagnostic("mapping-input-mismatch", { mapping: name, reads: source.label, record: record.label, lacking: lacking.join(", "), hint }, doc.source.locate(path)));
    }
  }
}

/**
 * A record that carries part of the mapping's entity (a write-back's event): the entity's fields
 * the mapping reads and the record does not carry.
 */
function readsLacking(expression: string, source: RecordShape, record: RecordShape): string[] {
  let ast: unknown;
  try {
    ast = jsonata(expression).ast();
  } catch {
    return [];
  }
  return [...topLevelReads(ast)].filter((name) => source.fields?.has(name) === true && record.fields?.has(name) !== true);
}
