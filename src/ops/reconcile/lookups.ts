/**
 * The lookups of a reconciliation source, run over one record (or one item as the system gives
 * it): each finds reference data, a kept record (possibly as of a date) or another system's id by
 * fields of the record, binds it as `$<as>` and adds it to the record under `<as>` for the next
 * lookup's key. A lookup that finds nothing binds nothing and says why: the record is still
 * compared when it can be measured without it, and reported with the reason when it cannot.
 */
import type { ReconciliationLookupSpec } from "../../model/reconciliation.ts";
import type { RecordFound } from "../../runtime/store/roles/state.ts";
import type { Store } from "../../runtime/store/store.ts";

/** Where lookups are answered: the runtime's store, or a cache over it. */
export type LookupSource = Pick<Store, "findRecord" | "findXref">;

/** A record with its lookups done: the record with each found value added, the bindings, and what was not found. */
export interface LookedUp {
  record: Record<string, unknown>;
  bindings: Record<string, unknown>;
  misses: string[];
}

/**
 * The values at `path`, read as JSONata reads a path: a list on the way is read element by
 * element and the results flattened, so `JournalLines.Tracking.TrackingOptionID` gives the
 * option of the one line that has tracking.
 */
function valuesAt(value: unknown, path: string): unknown[] {
  let nodes: unknown[] = [value];
  for (const segment of path.split(".")) {
    const next: unknown[] = [];
    for (const node of nodes.flatMap((n) => (Array.isArray(n) ? n : [n]))) {
      if (node !== null && typeof node === "object") {
        const found = (node as Record<string, unknown>)[segment];
        if (found !== undefined && found !== null) next.push(...(Array.isArray(found) ? found : [found]));
      }
    }
    nodes = next;
  }
  return nodes;
}

/** The one scalar at `path`, or why there is none. */
function oneValue(record: unknown, path: string): { value: string } | { problem: string } {
  const values = [...new Set(valuesAt(record, path).map((v) => (typeof v === "object" ? JSON.stringify(v) : String(v))))];
  if (values.length === 0) return { problem: `the record has no ${path}` };
  if (values.length > 1) return { problem: `the record has ${values.length} values at ${path}` };
  const only = valuesAt(record, path)[0];
  if (typeof only === "object") return { problem: `${path} is not a single value` };
  return { value: values[0] as string };
}

const ISO_DATE = /^[0-9]{4}-[0-9]{2}-[0-9]{2}/;

/** One lookup: the found value, or why not. */
async function lookUp(source: LookupSource, lookup: ReconciliationLookupSpec, record: Record<string, unknown>): Promise<{ value: unknown } | { miss: string }> {
  const parts: string[] = [];
  for (const path of typeof lookup.key === "string" ? [lookup.key] : lookup.key) {
    const one = oneValue(record, path);
    if ("problem" in one) return { miss: `${lookup.as}: ${one.problem}` };
    parts.push(one.value);
  }
  const key = parts.join("|");
  if (lookup.lookup === "xref") {
    const id = await source.findXref(lookup.entity, lookup.to ?? "", key, lookup.from);
    return id === undefined ? { miss: `${lookup.as}: no ${lookup.from ?? "?"} to ${lookup.to ?? "?"} cross-reference of ${lookup.entity} ${key}` } : { value: id };
  }
  let asOf: string | undefined;
  if (lookup.asOf !== undefined) {
    const raw = oneValue(record, lookup.asOf);
    if ("problem" in raw || !ISO_DATE.test(raw.value)) return { miss: `${lookup.as}: ${lookup.asOf} must be a date to look ${lookup.entity} ${key} up as of` };
    asOf = raw.value.slice(0, 10);
  }
  const found: RecordFound = await source.findRecord(lookup.entity, key, asOf);
  if (found.found) return { value: found.value };
  if (found.earliest !== undefined) return { miss: `${lookup.as}: no ${lookup.entity} ${key} in force on ${asOf}: its first record is from ${found.earliest}` };
  return { miss: `${lookup.as}: no ${lookup.entity} ${key}` };
}

/** Runs `lookups` in order over `record`. */
export async function applyLookups(source: LookupSource, lookups: readonly ReconciliationLookupSpec[], record: Record<string, unknown>): Promise<LookedUp> {
  let current = record;
  const bindings: Record<string, unknown> = {};
  const misses: string[] = [];
  for (const lookup of lookups) {
    const got = await lookUp(source, lookup, current);
    if ("miss" in got) {
      misses.push(got.miss);
      continue;
    }
    bindings[lookup.as] = got.value;
    current = { ...current, [lookup.as]: got.value };
  }
  return { record: current, bindings, misses };
}

/** A source over the store that asks it once per entity, key and date in one run. */
export function cachedLookups(source: LookupSource): LookupSource {
  const records = new Map<string, Promise<RecordFound>>();
  const xrefs = new Map<string, Promise<string | undefined>>();
  return {
    findRecord(entity, key, asOf) {
      const id = `${entity}\u0000${key}\u0000${asOf ?? ""}`;
      const known = records.get(id);
      if (known !== undefined) return known;
      const found = source.findRecord(entity, key, asOf);
      records.set(id, found);
      return found;
    },
    findXref(entity, toSystem, fromId, fromSystem) {
      const id = `${entity}\u0000${toSystem}\u0000${fromId}\u0000${fromSystem ?? ""}`;
      const known = xrefs.get(id);
      if (known !== undefined) return known;
      const found = source.findXref(entity, toSystem, fromId, fromSystem);
      xrefs.set(id, found);
      return found;
    },
  };
}
