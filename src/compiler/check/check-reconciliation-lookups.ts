/**
 * Lookups of reconciliation sources, checked as enrich steps are: the entity (and, for a
 * cross-reference, the systems) exist; each key path and `asOf` is a field of the record it reads
 * (the system's item for a read's lookups, the canonical record for the source's), with
 * did-you-mean; a composite key gives one path per identity field; `asOf` is for reference data;
 * the reverse mapping's declared lookups are the read's. The record each expression reads after
 * them carries the looked-up values, typed as the entity's records.
 */
import type { ReconciliationLookupSpec, ReconciliationSourceSpec } from "../../model/reconciliation.ts";
import { diagnostic } from "../diagnostics/diagnostic.ts";
import type { PathSegment } from "../parse/document.ts";
import { withEnriched } from "./check-lookups.ts";
import { type CheckContext, expectFieldPath, expectName } from "./report.ts";
import type { Known, StepScope } from "./route-records.ts";
import { schemaShape } from "./shapes.ts";
import type { BoundDocument } from "./spec-set.ts";

type Doc = BoundDocument<"Reconciliation">;

/** Checks `lookups` (at `at`) over records of `shape`; the scope the expressions after them read. */
export function checkSourceLookups(cx: CheckContext, doc: Doc, at: readonly PathSegment[], lookups: readonly ReconciliationLookupSpec[] | undefined, shape: Known): StepScope {
  let record = shape;
  const bound = new Set<string>();
  (lookups ?? []).forEach((lookup, i) => {
    const here = [...at, i];
    const known = cx.set.entities.has(lookup.entity);
    if (!known) expectName(cx, doc, [...here, "entity"], "entity", lookup.entity, cx.set.entities.keys(), { kind: "Entity" });
    if (typeof lookup.key === "string") expectFieldPath(cx, doc, [...here, "key"], lookup.key, record);
    else lookup.key.forEach((path, k) => expectFieldPath(cx, doc, [...here, "key", k], path, record));
    if (lookup.asOf !== undefined) expectFieldPath(cx, doc, [...here, "asOf"], lookup.asOf, record);
    if (lookup.lookup === "xref") {
      for (const side of ["from", "to"] as const) {
        const system = lookup[side];
        if (system === undefined) cx.report(diagnostic("reconciliation-read", { detail: `a cross-reference lookup names the system its ids come '${side}'` }, doc.source.locate(here)));
        else expectName(cx, doc, [...here, side], "system", system, cx.set.systems.keys(), { kind: "System" });
      }
      if (lookup.asOf !== undefined) cx.report(diagnostic("lookup-as-of-xref", { key: "asOf" }, doc.source.locate([...here, "asOf"], "key")));
    } else {
      const identity = cx.set.entities.get(lookup.entity)?.value.spec.identity;
      const given = typeof lookup.key === "string" ? 1 : lookup.key.length;
      if (identity !== undefined && identity.length !== given) {
        cx.report(diagnostic("lookup-key-count", { entity: lookup.entity, identity: identity.join(", "), given }, doc.source.locate([...here, "key"])));
      }
    }
    record = withEnriched(cx, record, lookup);
    bound.add(lookup.as);
  });
  return { record, classes: new Map(), lookups: bound };
}

/** The shape of the items the read's reverse mapping takes (its source schema), when known. */
function itemShape(cx: CheckContext, mappingName: string | undefined): Known {
  const mapping = mappingName === undefined ? undefined : cx.set.mappings.get(mappingName);
  const source = mapping?.value.spec.source as { system?: string; schema?: string } | undefined;
  if (source?.system === undefined || source.schema === undefined) return undefined;
  const schemas = cx.set.systems.get(source.system)?.value.spec.schemas ?? {};
  const schema = schemas[source.schema];
  return schema === undefined ? undefined : schemaShape(`${source.system}.${source.schema}`, schema, schemas);
}

/**
 * Checks the lookups of a source's read against the items the system gives, and that they bind
 * every lookup its reverse mapping declares, of the same entity and systems.
 */
export function checkReadLookups(cx: CheckContext, doc: Doc, at: readonly PathSegment[], source: ReconciliationSourceSpec): void {
  const read = source.read;
  if (read === undefined) return;
  const here = [...at, "read"];
  checkSourceLookups(cx, doc, [...here, "lookups"], read.lookups, itemShape(cx, read.mapping));
  const mapping = read.mapping === undefined ? undefined : cx.set.mappings.get(read.mapping);
  if (mapping === undefined) return;
  const given = new Map((read.lookups ?? []).map((l) => [l.as, l]));
  for (const [name, wanted] of Object.entries(mapping.value.spec.lookups ?? {})) {
    const got = given.get(name);
    const detail =
      got === undefined
        ? `the source's read declares no lookup 'as: ${name}'`
        : got.entity !== wanted.entity
          ? `the read's lookup 'as: ${name}' looks up ${got.entity}, not ${wanted.entity}`
          : (wanted.from !== undefined && got.from !== wanted.from) || (wanted.to !== undefined && got.to !== wanted.to)
            ? `the read's lookup 'as: ${name}' maps ids from ${got.from ?? "?"} to ${got.to ?? "?"}, not ${wanted.from ?? "?"} to ${wanted.to ?? "?"}`
            : undefined;
    if (detail !== undefined) cx.report(diagnostic("missing-lookup", { mapping: read.mapping ?? "", lookup: name, detail }, doc.source.locate([...here, "mapping"])));
  }
}
