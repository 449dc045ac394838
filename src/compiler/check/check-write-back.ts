/**
 * Write-back on System operations: the entity exists, each field written back is a field of it
 * (did-you-mean), the system owns that field (ownership rules apply to write-back like any other
 * write), each expression parses, and the event it announces carries its entity only.
 */
import { diagnostic } from "../diagnostics/diagnostic.ts";
import { nameHint } from "../diagnostics/suggest.ts";
import { checkJsonata } from "./check-jsonata.ts";
import { type CheckContext, expectName } from "./report.ts";
import type { BoundDocument } from "./spec-set.ts";

/** The system of record of `entity.field`: the field's own, else the entity's; undefined without an Ownership. */
function ownerOf(cx: CheckContext, entity: string, field: string): string | undefined {
  const ownership = cx.set.ownershipOf.get(entity)?.value.spec;
  if (ownership === undefined) return undefined;
  return ownership.fields?.[field]?.systemOfRecord ?? ownership.systemOfRecord;
}

/** Checks the write-back of each operation of a System. */
export function checkWriteBacks(cx: CheckContext, doc: BoundDocument<"System">): void {
  for (const [name, op] of Object.entries(doc.value.spec.operations ?? {})) {
    const writeBack = op.writeBack;
    if (writeBack === undefined) continue;
    const at = ["spec", "operations", name, "writeBack"];
    checkJsonata(cx, doc, [...at, "key"], writeBack.key);
    const known = expectName(cx, doc, [...at, "entity"], "entity", writeBack.entity, cx.set.entities.keys(), { kind: "Entity" });
    const fields = cx.set.entities.get(writeBack.entity)?.value.spec.fields ?? {};
    for (const [field, source] of Object.entries(writeBack.fields)) {
      checkJsonata(cx, doc, [...at, "fields", field], source);
      if (!known) continue;
      if (fields[field] === undefined) {
        const hint = nameHint(field, Object.keys(fields));
        cx.report(diagnostic("unknown-field", { field, shape: `entity ${writeBack.entity}`, ...hint }, doc.source.locate([...at, "fields", field], "key")));
        continue;
      }
      const owner = ownerOf(cx, writeBack.entity, field);
      if (owner !== undefined && owner !== doc.name) {
        cx.report(diagnostic("write-back-not-owner", { system: doc.name, entity: writeBack.entity, field, owner }, doc.source.locate([...at, "fields", field], "key")));
      }
    }
    if (writeBack.emit !== undefined) checkAnnounced(cx, doc, at, writeBack.emit, writeBack.entity);
  }
}

/** The event a write-back announces carries its entity, as every other publisher of that event gives it. */
function checkAnnounced(cx: CheckContext, doc: BoundDocument<"System">, at: (string | number)[], name: string, entity: string): void {
  const event = cx.set.canonicalEvents.get(name);
  if (event === undefined) return;
  for (const { route, path } of event.emittedBy) {
    const other = stepAt(route, path)?.entity;
    if (other !== undefined && other !== entity) {
      cx.report(diagnostic("write-back-event-entity", { event: name, entity, other, by: `route ${route.name}` }, doc.source.locate([...at, "emit"])));
      return;
    }
  }
  for (const emitter of event.writtenBackBy ?? []) {
    if (emitter.entity === entity) continue;
    cx.report(diagnostic("write-back-event-entity", { event: name, entity, other: emitter.entity, by: `${emitter.system.name}.${emitter.operation}` }, doc.source.locate([...at, "emit"])));
    return;
  }
}

/** The emit step at `path` of a route. */
function stepAt(route: BoundDocument<"Route">, path: readonly (string | number)[]): { entity?: string } | undefined {
  let current: unknown = route.value;
  for (const segment of path) current = (current as Record<string | number, unknown> | undefined)?.[segment];
  return (current as { emit?: { entity?: string } } | undefined)?.emit;
}
