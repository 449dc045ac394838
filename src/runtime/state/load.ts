/**
 * Loading an entity's reference data from a file, the runtime's API for `spec data load` and for
 * services: the file read (JSON or CSV), every record checked, then all of them loaded in one
 * transaction as the entity's next version, or nothing when anything is wrong.
 */
import type { DataVersion, StateRow, StateStore } from "../store/roles/state.ts";
import { decodeUtf8, type LoadProblem, readCsvRecords, readJsonRecords, type SourceRecord } from "./reference-file.ts";
import { type ReferenceEntity, referenceRows } from "./reference-rows.ts";

/** A file to load: its name (for messages and the version list) and its bytes. */
export interface ReferenceSource {
  file: string;
  bytes: Uint8Array;
}

/** What a load did: the version it made, or the problems that kept every row out. */
export type LoadResult = { ok: true; version: DataVersion } | { ok: false; problems: LoadProblem[] };

/** Where a problem stands in its file, for listing problems in file order (the file as a whole first). */
function position(problem: LoadProblem): number {
  return problem.at === undefined ? 0 : Number(/[0-9]+/.exec(problem.at)?.[0] ?? 0);
}

/** The rows a file holds for an entity, or its problems; reads `.csv` as CSV and anything else as JSON. */
export function readReferenceFile(entity: ReferenceEntity, source: ReferenceSource): [StateRow[], LoadProblem[]] {
  const [text, encoding] = decodeUtf8(source.file, source.bytes);
  if (text === undefined) return [[], encoding];
  const [records, problems]: [SourceRecord[], LoadProblem[]] = source.file.toLowerCase().endsWith(".csv")
    ? readCsvRecords(source.file, text, entity.types, entity.required)
    : readJsonRecords(source.file, text);
  const [rows, rowProblems] = referenceRows(source.file, entity, records);
  const all = [...problems, ...rowProblems].sort((a, b) => position(a) - position(b));
  return all.length > 0 ? [[], all] : [rows, []];
}

/** Loads a file as the entity's next version of reference data, all rows or none. */
export async function loadReferenceData(
  store: Pick<StateStore, "loadReferenceData">,
  entity: ReferenceEntity,
  source: ReferenceSource,
  options: { now: number; actor: string },
): Promise<LoadResult> {
  const [rows, problems] = readReferenceFile(entity, source);
  if (problems.length > 0) return { ok: false, problems };
  const version = await store.loadReferenceData({ entity: entity.name, source: source.file, rows, now: options.now, actor: options.actor });
  return { ok: true, version };
}
