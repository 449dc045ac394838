/**
 * Turning the records of a reference data file into rows a version is made of: each validated
 * against its entity's schema, keyed by the entity's identity, its validity period checked; a
 * duplicate key and overlapping periods of one key are problems. Any problem and nothing loads.
 */
import type { Validator } from "../../pipeline/definitions.ts";
import type { StateRow } from "../store/roles/state.ts";
import type { CellType, LoadProblem, SourceRecord } from "./reference-file.ts";

/** What loading needs to know of an entity. */
export interface ReferenceEntity {
  name: string;
  /** The identity fields, whose values joined by `|` are a record's key. */
  identity: readonly string[];
  /** The JSON type of each field, for CSV cells. */
  types: Readonly<Record<string, CellType>>;
  /** The fields every record has. */
  required: readonly string[];
  validator: Validator;
}

const ISO_DATE = /^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$/;

/** The key of a record: its identity values joined by `|` (what lookups build from their key paths). */
export function identityKey(value: Record<string, unknown>, identity: readonly string[]): string | undefined {
  const parts: string[] = [];
  for (const field of identity) {
    const part = value[field];
    if (part === undefined || part === null || typeof part === "object" || part === "") return undefined;
    parts.push(String(part));
  }
  return parts.join("|");
}

function dateOf(value: unknown, field: string): { date: string | null; error?: string } {
  if (value === undefined || value === null || value === "") return { date: null };
  if (typeof value !== "string" || !ISO_DATE.test(value)) return { date: null, error: `${field} must be a date (YYYY-MM-DD), not ${JSON.stringify(value)}` };
  return { date: value };
}

interface Located extends StateRow {
  at: string;
}

/** One record as a row, or the problems that keep it out. */
function rowOf(file: string, entity: ReferenceEntity, record: SourceRecord): [Located | undefined, LoadProblem[]] {
  const problems: LoadProblem[] = [];
  const result = entity.validator(record.value);
  if (!result.valid) for (const error of result.errors) problems.push({ file, at: record.at, message: `is not a valid ${entity.name}: ${error}` });
  const key = identityKey(record.value, entity.identity);
  if (key === undefined) problems.push({ file, at: record.at, message: `lacks its identity (${entity.identity.join(", ")})` });
  const from = dateOf(record.value["validFrom"], "validFrom");
  const to = dateOf(record.value["validTo"], "validTo");
  for (const error of [from.error, to.error]) if (error !== undefined) problems.push({ file, at: record.at, message: error });
  if (from.date !== null && to.date !== null && to.date <= from.date) problems.push({ file, at: record.at, message: `validTo ${to.date} is not after validFrom ${from.date}` });
  if (problems.length > 0 || key === undefined) return [undefined, problems];
  return [{ at: record.at, key, validFrom: from.date, validTo: to.date, value: record.value }, []];
}

/** Problems of one key's rows, sorted by `validFrom`: a duplicate, an undated row among dated ones, overlapping periods. */
function periodProblems(file: string, entity: ReferenceEntity, rows: readonly Located[]): LoadProblem[] {
  const problems: LoadProblem[] = [];
  const shownKey = `${entity.name} ${rows[0]?.key ?? ""}`;
  for (let i = 1; i < rows.length; i++) {
    const before = rows[i - 1] as Located;
    const row = rows[i] as Located;
    if (before.validFrom === row.validFrom) {
      const when = row.validFrom === null ? "" : ` from ${row.validFrom}`;
      problems.push({ file, at: row.at, message: `duplicates the key ${shownKey}${when} of ${before.at}` });
    } else if (before.validFrom === null) {
      problems.push({ file, at: before.at, message: `has no validFrom, and ${row.at} dates the same key ${shownKey}: date every record of a key or none` });
    } else if (before.validTo !== null && row.validFrom !== null && before.validTo > row.validFrom) {
      problems.push({
        file,
        at: row.at,
        message: `overlaps ${before.at} for ${shownKey}: it starts ${row.validFrom}, before that period ends (validTo ${before.validTo})`,
      });
    }
  }
  return problems;
}

/** The rows of a load, or every problem found (then nothing loads). */
export function referenceRows(file: string, entity: ReferenceEntity, records: readonly SourceRecord[]): [StateRow[], LoadProblem[]] {
  const problems: LoadProblem[] = [];
  const byKey = new Map<string, Located[]>();
  for (const record of records) {
    const [row, found] = rowOf(file, entity, record);
    problems.push(...found);
    if (row === undefined) continue;
    const rows = byKey.get(row.key) ?? [];
    rows.push(row);
    byKey.set(row.key, rows);
  }
  const out: StateRow[] = [];
  for (const rows of byKey.values()) {
    rows.sort((a, b) => ((a.validFrom ?? "") < (b.validFrom ?? "") ? -1 : (a.validFrom ?? "") > (b.validFrom ?? "") ? 1 : 0));
    problems.push(...periodProblems(file, entity, rows));
    for (const { at: _at, ...row } of rows) out.push(row);
  }
  return [out, problems];
}

/** The cell type of a field's JSON Schema (`{ type: "string" }`, `{ type: ["string", "integer"] }`). */
function cellTypeOf(schema: unknown): CellType {
  const type = (schema as { type?: unknown } | null)?.type;
  const first = Array.isArray(type) ? type[0] : type;
  return first === "integer" || first === "number" || first === "boolean" || first === "object" || first === "array" ? first : "string";
}

/** What loading needs of an entity, from its identity, its record JSON Schema and that schema's validator. */
export function referenceEntity(name: string, identity: readonly string[], schema: Readonly<Record<string, unknown>>, validator: Validator): ReferenceEntity {
  const properties = (schema["properties"] ?? {}) as Record<string, unknown>;
  const types: Record<string, CellType> = {};
  for (const [field, fieldSchema] of Object.entries(properties)) types[field] = cellTypeOf(fieldSchema);
  const required = Array.isArray(schema["required"]) ? (schema["required"] as string[]) : [];
  return { name, identity, types, required, validator };
}
