/** Comparing two versions of an entity's reference data, record by record. */
import { canonicalJson } from "../store/canonical-json.ts";
import type { StateRow } from "../store/roles/state.ts";

/** How a record changed between two versions; a record is its key and `validFrom`. */
export interface RowChange {
  change: "added" | "removed" | "changed";
  key: string;
  validFrom: string | null;
  before?: unknown;
  after?: unknown;
}

const idOf = (row: Pick<StateRow, "key" | "validFrom">) => `${row.key}\u0000${row.validFrom ?? ""}`;

/** The records added, removed and changed from `before` to `after`, by key and validity. */
export function diffRows(before: readonly StateRow[], after: readonly StateRow[]): RowChange[] {
  const old = new Map(before.map((row) => [idOf(row), row]));
  const changes: RowChange[] = [];
  for (const row of after) {
    const was = old.get(idOf(row));
    old.delete(idOf(row));
    if (was === undefined) changes.push({ change: "added", key: row.key, validFrom: row.validFrom, after: row.value });
    else if (canonicalJson({ v: was.value, t: was.validTo }) !== canonicalJson({ v: row.value, t: row.validTo })) {
      changes.push({ change: "changed", key: row.key, validFrom: row.validFrom, before: was.value, after: row.value });
    }
  }
  for (const row of old.values()) changes.push({ change: "removed", key: row.key, validFrom: row.validFrom, before: row.value });
  return changes.sort((a, b) => (idOf(a) < idOf(b) ? -1 : 1));
}
