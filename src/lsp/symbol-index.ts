/**
 * Every declaration in the spec set and every place that names it: documents (by kind and name),
 * a system's operations, events and schemas, an entity's fields. References to documents and
 * system members come from the checker itself (each name it resolves), so the index agrees with
 * the diagnostics; field references come from field-sites.ts.
 */
import type { NameReference } from "../compiler/check/report.ts";
import type { BoundDocument } from "../compiler/check/spec-set.ts";
import type { Location } from "../compiler/diagnostics/diagnostic.ts";
import { fieldSites } from "./field-sites.ts";
import type { Snapshot } from "./analysis.ts";

/** One place a symbol is written. */
export interface Site {
  location: Location;
  /** True for the declaration. */
  declaration: boolean;
}

/** A symbol: what it is, its name, and where it is written. */
export interface SymbolEntry {
  key: string;
  /** `Entity`, `operation`, `field`...: what a reader calls it. */
  what: string;
  name: string;
  sites: Site[];
  /** The document that declares it, when it is declared. */
  owner?: BoundDocument;
}

export interface SymbolIndex {
  get(key: string): SymbolEntry | undefined;
  /** The symbol written at `offset` of the file at `path`, the innermost when several cover it. */
  at(path: string, offset: number): SymbolEntry | undefined;
}

/** The part of `location` where `name` is written (quotes and qualifiers left out). */
export function narrow(location: Location, name: string): Location {
  const at = location.file.text.slice(location.start, location.end).indexOf(name);
  return at < 0 ? location : { file: location.file, start: location.start + at, end: location.start + at + name.length };
}

const DOCUMENT_KINDS: Record<string, string> = { entity: "Entity", system: "System", mapping: "Mapping" };

/** The key of the symbol a checked name refers to, or undefined for names the index does not follow. */
function keyOfReference(reference: NameReference): string | undefined {
  const kind = DOCUMENT_KINDS[reference.what];
  if (kind !== undefined) return `${kind}:${reference.name}`;
  if (reference.what === "operation" || reference.what === "event") return `${reference.what}:${reference.name}`;
  if (reference.what === "canonical event") return `canonical:${reference.name}`;
  if (reference.what === "schema" && reference.scope?.startsWith("system ")) return `schema:${reference.scope.slice(7)}/${reference.name}`;
  return undefined;
}

function memberDeclarations(doc: BoundDocument, add: (key: string, what: string, name: string, location: Location) => void): void {
  const spec = doc.value.spec as Record<string, unknown>;
  const at = (path: (string | number)[]) => doc.source.locate(path, "key");
  if (doc.kind === "System") {
    for (const op of Object.keys((spec["operations"] as object | undefined) ?? {})) add(`operation:${doc.name}.${op}`, "operation", `${doc.name}.${op}`, at(["spec", "operations", op]));
    for (const ev of Object.keys((spec["events"] as object | undefined) ?? {})) add(`event:${doc.name}.${ev}`, "event", `${doc.name}.${ev}`, at(["spec", "events", ev]));
    for (const schema of Object.keys((spec["schemas"] as object | undefined) ?? {})) add(`schema:${doc.name}/${schema}`, "schema", schema, at(["spec", "schemas", schema]));
  }
  if (doc.kind === "Entity") {
    for (const field of Object.keys((spec["fields"] as object | undefined) ?? {})) add(`field:${doc.name}/${field}`, "field", field, at(["spec", "fields", field]));
  }
  if (doc.kind === "System") {
    for (const [schema, body] of Object.entries((spec["schemas"] as Record<string, { properties?: object }> | undefined) ?? {})) {
      for (const property of Object.keys(body.properties ?? {})) {
        add(`field:${doc.name}/${schema}/${property}`, "field", property, at(["spec", "schemas", schema, "properties", property]));
      }
    }
  }
}

/** Builds the index of a snapshot. */
export function buildSymbolIndex(snapshot: Snapshot): SymbolIndex {
  const entries = new Map<string, SymbolEntry>();
  const byFile = new Map<string, { location: Location; key: string }[]>();
  const entry = (key: string, what: string, name: string) => {
    let found = entries.get(key);
    if (found === undefined) {
      found = { key, what, name, sites: [] };
      entries.set(key, found);
    }
    return found;
  };
  const addSite = (key: string, what: string, name: string, location: Location, declaration: boolean, owner?: BoundDocument) => {
    const target = entry(key, what, name);
    const narrowed = narrow(location, name);
    target.sites.push({ location: narrowed, declaration });
    if (owner !== undefined) target.owner = owner;
    const list = byFile.get(narrowed.file.path) ?? [];
    list.push({ location: narrowed, key });
    byFile.set(narrowed.file.path, list);
  };
  for (const doc of snapshot.program.set.documents) {
    addSite(`${doc.kind}:${doc.name}`, doc.kind, doc.name, doc.source.locate(["metadata", "name"]), true, doc);
    memberDeclarations(doc, (key, what, name, location) => addSite(key, what, name, location, true, doc));
  }
  // A canonical event is declared by the emit steps that publish it, and by the write-backs that announce it.
  for (const event of snapshot.program.set.canonicalEvents.values()) {
    for (const { route, path } of event.emittedBy) addSite(`canonical:${event.name}`, "canonical event", event.name, route.source.locate([...path, "emit", "event"]), true);
    for (const { system, path } of event.writtenBackBy ?? []) addSite(`canonical:${event.name}`, "canonical event", event.name, system.source.locate([...path, "emit"]), true);
  }
  for (const reference of snapshot.references) {
    const key = keyOfReference(reference);
    if (key === undefined) continue;
    const location = reference.doc.source.locate(reference.path);
    addSite(key, reference.what, reference.name, location, false);
    if (reference.what === "operation" || reference.what === "event") {
      const system = reference.name.split(".")[0] ?? "";
      addSite(`System:${system}`, "System", system, narrow(location, system), false);
    }
  }
  for (const site of fieldSites(snapshot.program.set)) addSite(site.key, "field", site.name, site.location, false);
  return {
    get: (key) => entries.get(key),
    at(path, offset) {
      let best: { location: Location; key: string } | undefined;
      for (const candidate of byFile.get(path) ?? []) {
        const { start, end } = candidate.location;
        if (offset < start || offset > end) continue;
        if (best === undefined || end - start < best.location.end - best.location.start) best = candidate;
      }
      return best === undefined ? undefined : entries.get(best.key);
    },
  };
}
