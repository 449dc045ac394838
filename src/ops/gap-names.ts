/**
 * Names for reconciliation gaps, so an operator reads "Project Harbour refit, 2026-03" where the
 * gap's key says `projectId=6f1c…@2026-03`. A group field named `<entity>Id` (`projectId`,
 * `clientId`) is looked up in the store's state for that entity (`Project`, `Client`): a record
 * kept from events first, then loaded reference data, as lookups read them. The record's `name`
 * (else its `<entity>Code`) names it. A value with no such record keeps its id.
 */
import type { Store } from "../runtime/store/store.ts";
import type { Gap } from "./reconcile/engine.ts";

/** The entity a group field refers to by its name, or undefined: `projectId` -> `Project`. */
function entityOf(field: string): string | undefined {
  const match = /^([a-z][A-Za-z0-9]*)Id$/.exec(field);
  return match?.[1] === undefined ? undefined : match[1].charAt(0).toUpperCase() + match[1].slice(1);
}

async function nameOf(store: Store, field: string, value: string): Promise<string> {
  const entity = entityOf(field);
  if (entity === undefined) return `${field} ${value}`;
  const found = await store.findRecord(entity, value).catch(() => undefined);
  const record = found?.found === true ? (found.value as Record<string, unknown> | undefined) : undefined;
  const code = record?.[`${entity.charAt(0).toLowerCase()}${entity.slice(1)}Code`];
  const name = record?.["name"];
  if (typeof name === "string" && name !== "") return `${entity} ${name}${typeof code === "string" ? ` (${code})` : ""}`;
  if (typeof code === "string") return `${entity} ${code}`;
  return `${entity} ${value}`;
}

/** A readable name for each gap key: its group's records by name, then its period. */
export async function nameGaps(store: Store, gaps: readonly Gap[]): Promise<Record<string, string>> {
  const names: Record<string, string> = {};
  for (const gap of gaps) {
    if (names[gap.key] !== undefined) continue;
    const parts = await Promise.all(Object.entries(gap.group).map(([field, value]) => nameOf(store, field, value)));
    names[gap.key] = `${parts.join(", ")}${gap.period === undefined ? "" : `, ${gap.period}`}`;
  }
  return names;
}

/** The gaps counted once each, whichever reconciliations found them: distinct keys. */
export function distinctGaps(gaps: readonly Gap[]): number {
  return new Set(gaps.map((g) => g.key)).size;
}
