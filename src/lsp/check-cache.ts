/**
 * The check stage, incremental: a document is checked again only when it changed or when
 * something it read while last checked did. Each document's check runs against a view of the set
 * that records what it reads (a name looked up in a table, a table's names, or a whole table), and its
 * findings and references are kept with a token of each read; the next analysis reuses them when
 * the document is the same parse and every token still holds.
 */
import { checkDocument } from "../compiler/check/check.ts";
import type { CheckContext, NameReference } from "../compiler/check/report.ts";
import type { BoundDocument, SpecSet } from "../compiler/check/spec-set.ts";
import type { Diagnostic } from "../compiler/diagnostics/diagnostic.ts";

type Table = "systems" | "entities" | "ownerships" | "mappings" | "routes" | "reconciliations" | "policies" | "ownershipOf" | "canonicalEvents" | "invalidNames";
const TABLES: readonly Table[] = ["systems", "entities", "ownerships", "mappings", "routes", "reconciliations", "policies", "ownershipOf", "canonicalEvents", "invalidNames"];

interface Entry {
  value: unknown;
  reads: Map<string, string>;
  diagnostics: Diagnostic[];
  references: NameReference[];
}

/** A stable number for each object, so a token can say "the same parse". */
function identities() {
  const ids = new WeakMap<object, number>();
  let next = 0;
  return (value: unknown): string => {
    if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "undefined";
    let id = ids.get(value);
    if (id === undefined) {
      id = ++next;
      ids.set(value, id);
    }
    return `#${id}`;
  };
}

/** What an entry of a table is, for comparing analyses: bound documents by parse, the rest by content. */
function tokenOf(identity: (value: unknown) => string, entry: unknown): string {
  if (entry === undefined) return "absent";
  if (entry instanceof Set) return [...entry].sort().join(",");
  const bound = entry as Partial<BoundDocument> & {
    emittedBy?: { route: BoundDocument; path: unknown }[];
    writtenBackBy?: { system: BoundDocument; path: unknown; fields: string[] }[];
    entity?: string;
  };
  if (bound.source !== undefined) return identity(bound.value);
  if (bound.emittedBy !== undefined) {
    const announced = (bound.writtenBackBy ?? []).map((w) => [identity(w.system.value), w.path, w.fields]);
    return JSON.stringify([bound.entity, bound.emittedBy.map((e) => [identity(e.route.value), e.path]), announced]);
  }
  return JSON.stringify(entry);
}

/** A view of one table that records each read into `reads`. */
function recordingTable<V>(name: Table, map: ReadonlyMap<string, V>, reads: Set<string>): ReadonlyMap<string, V> {
  const one = <T>(key: string, result: T): T => {
    reads.add(`${name}:${key}`);
    return result;
  };
  const all = <T>(result: () => T): T => {
    reads.add(`${name}:*`);
    return result();
  };
  const names = <T>(result: () => T): T => {
    reads.add(`${name}:#names`);
    return result();
  };
  return {
    get: (key: string) => one(key, map.get(key)),
    has: (key: string) => one(key, map.has(key)),
    get size() {
      return names(() => map.size);
    },
    keys: () => names(() => map.keys()),
    values: () => all(() => map.values()),
    entries: () => all(() => map.entries()),
    forEach: (fn: (value: V, key: string, m: ReadonlyMap<string, V>) => void) => all(() => map.forEach(fn)),
    [Symbol.iterator]: () => all(() => map[Symbol.iterator]()),
  } as ReadonlyMap<string, V>;
}

function recordingSet(set: SpecSet, reads: Set<string>): SpecSet {
  const view = { ...set } as Record<string, unknown>;
  for (const table of TABLES) view[table] = recordingTable(table, set[table] as ReadonlyMap<string, unknown>, reads);
  Object.defineProperty(view, "documents", {
    get: () => {
      reads.add("documents:*");
      return set.documents;
    },
  });
  return view as unknown as SpecSet;
}

/** The current token of a recorded read. */
function currentToken(set: SpecSet, read: string, identity: (value: unknown) => string, wholes: Map<string, string>): string {
  const colon = read.indexOf(":");
  const table = read.slice(0, colon);
  const key = read.slice(colon + 1);
  if (key === "#names") return table === "documents" ? "" : [...(set[table as Table] as ReadonlyMap<string, unknown>).keys()].join(",");
  if (key !== "*") return tokenOf(identity, (set[table as Table] as ReadonlyMap<string, unknown>).get(key));
  let whole = wholes.get(table);
  if (whole === undefined) {
    const entries = table === "documents" ? set.documents.map((d) => [`${d.kind}:${d.name}`, d] as const) : [...(set[table as Table] as ReadonlyMap<string, unknown>)];
    whole = entries.map(([k, v]) => `${k}=${tokenOf(identity, v)}`).join(";");
    wholes.set(table, whole);
  }
  return whole;
}

/** An incremental check stage, with how much the last run reused. */
export interface CheckCache {
  check(set: SpecSet, onReference?: (reference: NameReference) => void): Diagnostic[];
  stats(): { checked: number; reused: number };
}

/** Makes an empty cache. */
export function createCheckCache(): CheckCache {
  const identity = identities();
  let entries = new Map<string, Entry>();
  let checked = 0;
  let reused = 0;
  return {
    check(set, onReference) {
      const next = new Map<string, Entry>();
      const wholes = new Map<string, string>();
      const out: Diagnostic[] = [];
      checked = 0;
      reused = 0;
      for (const doc of set.documents) {
        const key = `${doc.kind}:${doc.name}`;
        const previous = entries.get(key);
        let entry: Entry;
        if (previous !== undefined && previous.value === doc.value && [...previous.reads].every(([read, token]) => currentToken(set, read, identity, wholes) === token)) {
          entry = previous;
          reused++;
        } else {
          const reads = new Set<string>();
          const diagnostics: Diagnostic[] = [];
          const references: NameReference[] = [];
          const cx: CheckContext = { set: recordingSet(set, reads), report: (d) => diagnostics.push(d), onReference: (r) => references.push(r) };
          checkDocument(cx, doc);
          const tokens = new Map([...reads].map((read) => [read, currentToken(set, read, identity, wholes)]));
          entry = { value: doc.value, reads: tokens, diagnostics, references };
          checked++;
        }
        next.set(key, entry);
        out.push(...entry.diagnostics);
        // A reference names the document it was made in: the reused entry's is the same parse.
        for (const reference of entry.references) onReference?.({ ...reference, doc });
      }
      entries = next;
      return out;
    },
    stats: () => ({ checked, reused }),
  };
}
