/**
 * A reconciliation source's live read: the operation is one of its system's and a GET, a cursor
 * says where the next cursor is, and the mapping turns the system's shape into the source's entity.
 */
import type { ReconciliationSourceSpec } from "../../model/reconciliation.ts";
import { diagnostic } from "../diagnostics/diagnostic.ts";
import type { PathSegment } from "../parse/document.ts";
import { type CheckContext, expectName } from "./report.ts";
import type { BoundDocument } from "./spec-set.ts";

/** Checks `source.read` of the source at `at`. */
export function checkReconciliationRead(cx: CheckContext, doc: BoundDocument<"Reconciliation">, at: readonly PathSegment[], source: ReconciliationSourceSpec): void {
  const read = source.read;
  if (read === undefined) return;
  const here = [...at, "read"];
  const report = (path: readonly PathSegment[], detail: string) => cx.report(diagnostic("reconciliation-read", { detail }, doc.source.locate(path)));
  if ((read.operation === undefined) === (read.state === undefined)) {
    report(here, "a read names either a list 'operation' of the system or 'state: true' (the records the runtime keeps), not both or neither");
    return;
  }
  if (read.state === true) {
    if (read.pagination !== undefined || read.period !== undefined || read.items !== undefined) report(here, "a read of the runtime's state takes no 'items', 'pagination' or 'period': it reads every record kept of the entity");
  }
  const system = cx.set.systems.get(source.system);
  if (system !== undefined && read.operation !== undefined) {
    const operations = system.value.spec.operations ?? {};
    if (expectName(cx, doc, [...here, "operation"], "operation", read.operation, Object.keys(operations), { scope: `system ${source.system}` })) {
      const method = operations[read.operation]?.method;
      if (method !== "GET") report([...here, "operation"], `${source.system}.${read.operation} is a ${method}: a reconciliation reads records with a GET (a list or search operation)`);
    }
  }
  if (read.pagination?.style === "cursor" && read.pagination.next === undefined) {
    report([...here, "pagination"], "a cursor pagination needs 'next': the field of each answer that holds the next page's cursor");
  }
  if (read.mapping !== undefined) {
    const mapping = cx.set.mappings.get(read.mapping);
    if (mapping === undefined) expectName(cx, doc, [...here, "mapping"], "mapping", read.mapping, cx.set.mappings.keys(), { kind: "Mapping" });
    else {
      const target = mapping.value.spec.target as { entity?: string };
      if (target.entity !== source.entity) {
        report([...here, "mapping"], `mapping ${read.mapping} produces ${target.entity === undefined ? "a system's shape" : `a ${target.entity}`}, not the ${source.entity} this source reads`);
      }
    }
  }
}
