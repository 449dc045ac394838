/**
 * A mapping applied in a route (a `map` step, or a deliver step's `using`) must read the record the
 * route has at that step: a mapping written for the canonical entity cannot take the source
 * system's native payload (a route whose `map` step was deleted), nor the reverse.
 */
import type { Step } from "../../model/index.ts";
import { diagnostic } from "../diagnostics/diagnostic.ts";
import type { PathSegment } from "../parse/document.ts";
import type { CheckContext } from "./report.ts";
import type { StepScope } from "./route-records.ts";
import { type BoundDocument, shapeOf } from "./spec-set.ts";

/** Checks the mappings one step applies against the record at the step. */
export function checkMappingInput(cx: CheckContext, doc: BoundDocument<"Route">, step: Step, at: PathSegment[], scope: StepScope): void {
  const record = scope.record;
  if (record === undefined) return;
  const uses: [PathSegment[], string][] = [];
  if (step.map !== undefined) uses.push([[...at, "map"], step.map]);
  if (step.deliver?.mapping !== undefined) uses.push([[...at, "deliver", "mapping"], step.deliver.mapping]);
  for (const [path, name] of uses) {
    const mapping = cx.set.mappings.get(name);
    const source = mapping === undefined ? undefined : shapeOf(cx.set, mapping.value.spec.source);
    if (source === undefined || source.label === record.label) continue;
    const hint = mapping?.value.spec.source.entity !== undefined && !record.label.startsWith("entity ") ? `; map it to ${source.label} first` : "";
    cx.report(diagnostic("mapping-input-mismatch", { mapping: name, reads: source.label, record: `${record.label}${hint}` }, doc.source.locate(path)));
  }
}
