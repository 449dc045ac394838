/**
 * The NDJSON file source, for bulk loads and replays from an export: one JSON payload per line,
 * offered in batches. A line that is not JSON, or carries a forbidden key, is reported with its
 * line number and skipped, as is one nested deeper than intake takes; the rest of the file still loads.
 */
import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import type { EventSource, Runtime } from "../engine.ts";
import { jsonProblem } from "./parse-body.ts";

/** What loading a file did. */
export interface NdjsonResult {
  lines: number;
  accepted: number;
  duplicates: number;
  conflicts: number;
  /** Lines that were not loaded, with the reason. */
  errors: { line: number; message: string }[];
}

/** Offers every line of `path` to the routes `source` triggers. */
export async function ingestNdjson(runtime: Pick<Runtime, "offer">, source: EventSource, path: string, batchSize = 500): Promise<NdjsonResult> {
  const result: NdjsonResult = { lines: 0, accepted: 0, duplicates: 0, conflicts: 0, errors: [] };
  let batch: unknown[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const offered = await runtime.offer(source, batch);
    batch = [];
    for (const outcome of offered.outcomes) {
      if (outcome.status === "accepted") result.accepted += 1;
      else if (outcome.status === "duplicate") result.duplicates += 1;
      else result.conflicts += 1;
    }
    for (const refused of offered.refused) result.errors.push({ line: result.lines, message: refused.reason });
  };
  const lines = createInterface({ input: createReadStream(path, "utf8"), crlfDelay: Number.POSITIVE_INFINITY });
  for await (const text of lines) {
    result.lines += 1;
    if (text.trim() === "") continue;
    let payload: unknown;
    try {
      payload = JSON.parse(text);
    } catch (error) {
      result.errors.push({ line: result.lines, message: `not JSON: ${(error as Error).message}` });
      continue;
    }
    const problem = jsonProblem(payload);
    if (problem !== undefined) {
      result.errors.push({ line: result.lines, message: problem });
      continue;
    }
    batch.push(payload);
    if (batch.length >= batchSize) await flush();
  }
  await flush();
  return result;
}
