/**
 * Write-back on System operations: the entity exists, each field written back is a field of it
 * (did-you-mean), the system owns that field (ownership rules apply to write-back like any other
 * write), and each expression parses.
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
  }
}
