/**
 * Reads a reconciliation source's records from the live system, as its `read` declares: the list
 * operation is called with the system's base URL and credentials (the runtime's), page after page
 * until the list ends, narrowed to the period by its query parameters, and each item is turned into
 * the canonical entity by the reverse mapping. A page that fails fails the whole read, so a run
 * never compares partial data; an item whose mapping fails is reported and the rest are compared.
 */
import type { ReconciliationReadSpec, ReconciliationSourceSpec } from "../../model/reconciliation.ts";
import type { SystemRuntime } from "../../runtime/delivery/deliver.ts";
import type { TargetRequest, TargetResponse, Transport } from "../../runtime/delivery/transport.ts";
import { parseRetryAfter } from "../../runtime/policies/retry.ts";
import type { Transform } from "../../runtime/pipeline.ts";
import type { ReadResult, RecordReader } from "./engine.ts";
import { applyLookups, cachedLookups, type LookupSource } from "./lookups.ts";
import { periodRange } from "./periods.ts";

/** A read that could not complete: the run it belongs to fails, and nothing is compared. */
export class ReadFailedError extends Error {
  override name = "ReadFailedError";
}

/** Options of `liveRecordReader`. */
export interface LiveReaderOptions {
  systems: ReadonlyMap<string, SystemRuntime>;
  transport: Transport;
  /** The compiled mappings, by name (the reverse mappings of the sources). */
  transforms: Readonly<Record<string, Transform>>;
  /** Pages read at most per source and run (default 10,000): a list that never ends is an error. */
  maxPages?: number;
  /** The records the runtime keeps of an entity, for a source that reads the runtime's state. */
  kept?: (entity: string) => Promise<readonly { value: unknown }[]>;
  /** Called when a page asked to wait (`Retry-After`) and is waited for. */
  onWait?(wait: { system: string; operation: string; page: number; waitMs: number }): void;
  /** Waits in real time (default: a timer). */
  sleep?: (ms: number) => Promise<void>;
  /** Where the reverse mappings' lookups are answered (the runtime's store). */
  lookups?: LookupSource;
  /** Called once per page read, for metrics and logs. */
  onPage?(page: { system: string; operation: string; items: number; ms: number }): void;
}

const DEFAULT_PAGE_SIZE = 100;

function at(value: unknown, path: string): unknown {
  let node = value;
  for (const part of path.split(".")) node = node !== null && typeof node === "object" ? (node as Record<string, unknown>)[part] : undefined;
  return node;
}

/**
 * The list of an answer: at `items`, else the answer itself when it is a list, else its first list.
 * A path through lists reads each element and flattens, as JSONata does: `list.invoice.line_items`
 * is every line of every invoice on the page.
 */
function itemsOf(body: unknown, items: string | undefined): unknown[] {
  if (items !== undefined) {
    let nodes: unknown[] = [body];
    for (const part of items.split(".")) {
      nodes = nodes.flatMap((node) => {
        const next = node !== null && typeof node === "object" && !Array.isArray(node) ? (node as Record<string, unknown>)[part] : undefined;
        return Array.isArray(next) ? next : next === undefined ? [] : [next];
      });
    }
    return nodes;
  }
  if (Array.isArray(body)) return body;
  if (body !== null && typeof body === "object") return (Object.values(body).find(Array.isArray) as unknown[] | undefined) ?? [];
  return [];
}

/** Records, problems and lookup misses, gathered item by item. */
interface Gathered {
  records: Record<string, unknown>[];
  problems: { message: string; record: Record<string, unknown> }[];
  misses: Map<Record<string, unknown>, readonly string[]>;
}

const isRecord = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === "object" && !Array.isArray(value);

/**
 * One item turned into canonical records: its read lookups done and bound for the mapping, then
 * the mapping (an item may give several records, as an invoice gives its lines, or none). An item
 * whose mapping fails is reported, with the lookups that found nothing.
 */
async function gather(into: Gathered, item: unknown, mapping: Transform | undefined, read: ReconciliationReadSpec, lookups: LookupSource | undefined): Promise<void> {
  if (mapping === undefined) {
    if (isRecord(item)) into.records.push(item);
    else into.problems.push({ message: "the item is not a record", record: { item } });
    return;
  }
  const looked = read.lookups === undefined || lookups === undefined || !isRecord(item) ? undefined : await applyLookups(lookups, read.lookups, item);
  try {
    const mapped = await mapping.evaluate(item, looked?.bindings);
    const list = Array.isArray(mapped) ? mapped : mapped === undefined ? [] : [mapped];
    if (!list.every(isRecord)) throw new Error("the mapping did not produce a record");
    for (const record of list) {
      into.records.push(record);
      if (looked !== undefined && looked.misses.length > 0) into.misses.set(record, looked.misses);
    }
  } catch (error) {
    const misses = looked === undefined || looked.misses.length === 0 ? "" : ` (not found: ${looked.misses.join("; ")})`;
    into.problems.push({ message: `mapping ${read.mapping} failed: ${(error as Error).message}${misses}`, record: isRecord(item) ? item : { item } });
  }
}

/** Waits of a page that asked for one (429 or 503 with `Retry-After`) before the run gives up. */
const PAGE_WAITS = 3;

/** The longest `Retry-After` a page is waited for; a longer one fails the run, tried again later. */
const MAX_PAGE_WAIT_MS = 10_000;

/**
 * One page: a 429 or 503 whose `Retry-After` asks for a short wait is waited for and asked again
 * (a list of many pages meets the system's quota); any other failure fails the read.
 */
async function readPage(options: LiveReaderOptions, request: TargetRequest, n: number): Promise<TargetResponse> {
  const what = `${request.system}.${request.operation}`;
  for (let waits = 0; ; waits++) {
    const response = await options.transport(request).catch((error: unknown) => {
      throw new ReadFailedError(`${what} failed on page ${n}: ${(error as Error).message}`);
    });
    if (response.status >= 200 && response.status < 300) return response;
    const waitMs = response.status === 429 || response.status === 503 ? parseRetryAfter(response.headers["retry-after"], Date.now()) : undefined;
    if (waitMs === undefined || waitMs > MAX_PAGE_WAIT_MS || waits >= PAGE_WAITS) throw new ReadFailedError(`${what} answered ${response.status} on page ${n}`);
    options.onWait?.({ system: request.system, operation: request.operation, page: n, waitMs });
    await (options.sleep ?? ((ms: number) => new Promise((resolve) => setTimeout(resolve, ms))))(waitMs);
  }
}

/** A reader of the sources that declare `read`; a source without one cannot be read live. */
export function liveRecordReader(options: LiveReaderOptions): RecordReader {
  const maxPages = options.maxPages ?? 10_000;
  return async (systemName, entity, source?: ReconciliationSourceSpec, period?: string): Promise<ReadResult> => {
    const read = source?.read;
    if (source === undefined || read === undefined) throw new ReadFailedError(`${systemName}/${entity} declares no 'read': it cannot be read from the live system`);
    const mapping = read.mapping === undefined ? undefined : options.transforms[read.mapping];
    const lookups = options.lookups === undefined ? undefined : cachedLookups(options.lookups);
    const gathered: Gathered = { records: [], problems: [], misses: new Map() };
    if (read.state === true) {
      for (const { value } of (await options.kept?.(entity)) ?? []) await gather(gathered, value, mapping, read, lookups);
      return gathered;
    }
    const system = options.systems.get(systemName);
    const operation = read.operation === undefined ? undefined : system?.definition.operations[read.operation];
    if (system === undefined || operation === undefined || read.operation === undefined) throw new ReadFailedError(`${systemName}.${read.operation} is not an operation of the loaded spec set`);
    const range = period === undefined || read.period === undefined ? undefined : periodRange(period);
    const pagination = read.pagination;
    const size = pagination?.size ?? DEFAULT_PAGE_SIZE;
    let page = 1;
    let offset = 0;
    let cursor: string | undefined;
    for (let n = 1; ; n++) {
      if (n > maxPages) throw new ReadFailedError(`${systemName}.${read.operation} gave more than ${maxPages} pages`);
      const url = new URL(system.baseUrl + operation.path);
      if (range !== undefined && read.period !== undefined) {
        url.searchParams.set(read.period.from, range.from);
        url.searchParams.set(read.period.to, range.to);
      }
      if (pagination !== undefined) {
        if (pagination.sizeParam !== undefined) url.searchParams.set(pagination.sizeParam, String(size));
        if (pagination.style === "page") url.searchParams.set(pagination.param, String(page));
        if (pagination.style === "offset") url.searchParams.set(pagination.param, String(offset));
        if (pagination.style === "cursor" && cursor !== undefined) url.searchParams.set(pagination.param, cursor);
      }
      const started = performance.now();
      const request: TargetRequest = { system: systemName, operation: read.operation, method: "GET", url: url.toString(), headers: await system.auth(), timeoutMs: operation.timeoutMs ?? system.definition.timeoutMs ?? 30_000 };
      const response = await readPage(options, request, n);
      const items = itemsOf(response.body, read.items);
      options.onPage?.({ system: systemName, operation: read.operation, items: items.length, ms: performance.now() - started });
      for (const item of items) await gather(gathered, item, mapping, read, lookups);
      if (pagination === undefined) break;
      if (pagination.style === "cursor") {
        const next = at(response.body, pagination.next ?? "");
        if (next === undefined || next === null || next === "") break;
        cursor = String(next);
        continue;
      }
      if (items.length < size || items.length === 0) break;
      page += 1;
      offset += items.length;
    }
    return gathered;
  };
}
