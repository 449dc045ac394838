/**
 * A lookup of a record by the values of the record at a step: reference data (possibly as of a
 * date) or a record kept from events. What the step does with a missing record is decided here:
 * wait for it (an entity kept from events), or fail naming the key (and the date).
 */
import type { Dependency } from "../store/store.ts";
import { type RecordFound, STATE_SYSTEM } from "../store/roles/state.ts";

/** The store's record lookups, as a batch's cache serves them. */
export interface RecordLookups {
  record(entity: string, key: string, asOf?: string): Promise<RecordFound>;
}

/** What a lookup needs of its step. */
export interface RecordLookupStep {
  id: string;
  entity: string;
  key: string | readonly string[];
  asOf?: string;
  waitMs?: number;
}

/** A found value, a dependency to wait for, or why the step fails. */
export type LookupOutcome =
  | { kind: "found"; value: unknown }
  | { kind: "wait"; dependency: Dependency; waitMs: number }
  | { kind: "failed"; reason: string };

const ISO_DATE = /^[0-9]{4}-[0-9]{2}-[0-9]{2}/;

function valueAt(record: unknown, path: string): unknown {
  let current = record;
  for (const segment of path.split(".")) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

/** The lookup key: the values at `paths` joined by `|`, or the first path with no usable value. */
export function lookupKey(record: unknown, paths: string | readonly string[]): { key: string } | { missing: string } {
  const parts: string[] = [];
  for (const path of typeof paths === "string" ? [paths] : paths) {
    const value = valueAt(record, path);
    if (value === undefined || value === null || typeof value === "object") return { missing: path };
    parts.push(String(value));
  }
  return { key: parts.join("|") };
}

/** The date of an `asOf` value: an ISO date, or the date part of an ISO date-time. */
function dateOf(value: unknown): string | undefined {
  return typeof value === "string" && ISO_DATE.test(value) ? value.slice(0, 10) : undefined;
}

/** Looks the step's record up by the record at the step. */
export async function lookUpRecord(lookups: RecordLookups, step: RecordLookupStep, record: unknown): Promise<LookupOutcome> {
  const key = lookupKey(record, step.key);
  if ("missing" in key) return { kind: "failed", reason: `enrich needs ${key.missing}, which the record lacks` };
  let asOf: string | undefined;
  if (step.asOf !== undefined) {
    const raw = valueAt(record, step.asOf);
    asOf = dateOf(raw);
    if (asOf === undefined) {
      return { kind: "failed", reason: `step ${step.id}: ${step.asOf} must be a date to look ${step.entity} ${key.key} up as of, and is ${JSON.stringify(raw) ?? "missing"}` };
    }
  }
  const found = await lookups.record(step.entity, key.key, asOf);
  if (found.found) return { kind: "found", value: found.value };
  if (found.earliest !== undefined) {
    return { kind: "failed", reason: `step ${step.id}: no ${step.entity} ${key.key} in force on ${asOf}: its first record is from ${found.earliest}` };
  }
  if (step.waitMs !== undefined) return { kind: "wait", dependency: { entity: step.entity, system: STATE_SYSTEM, key: key.key }, waitMs: step.waitMs };
  return { kind: "failed", reason: `no ${step.entity} reference data for ${key.key}` };
}
