/**
 * The simulators' list endpoints, paged as the vendors page them: Xero by `page` (from 1) and
 * `pageSize`, ending at a short page; Chargebee by `limit` and an opaque `offset`, the answer
 * carrying `next_offset` while more remain. Both narrow to a period by the record's date, the
 * first and last day included (YYYY-MM-DD).
 */
import type { SimulatorAnswer } from "./server.ts";

type Json = Record<string, unknown>;

/** The records dated within `[from, to]` (either end open when absent). */
export function withinPeriod<T>(records: readonly T[], dateOf: (record: T) => string, from: string | null, to: string | null): T[] {
  return records.filter((r) => {
    const day = dateOf(r).slice(0, 10);
    return (from === null || day >= from) && (to === null || day <= to);
  });
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** A period bound that is not a day, as a sentence; undefined when both are fine. */
export function badPeriod(query: URLSearchParams, names: readonly string[]): string | undefined {
  const wrong = names.find((n) => query.get(n) !== null && !DAY.test(query.get(n) ?? ""));
  return wrong === undefined ? undefined : `${wrong} must be a date (YYYY-MM-DD), not '${query.get(wrong)}'`;
}

function wholeNumber(text: string | null, fallback: number, min: number, max: number): number | undefined {
  if (text === null) return fallback;
  if (!/^\d+$/.test(text)) return undefined;
  const n = Number(text);
  return n >= min && n <= max ? n : undefined;
}

/** One Xero page: `{ <listName>: [...] }`; a bad `page` or `pageSize` is a 400. */
export function xeroPage(listName: string, records: readonly Json[], query: URLSearchParams): SimulatorAnswer {
  const page = wholeNumber(query.get("page"), 1, 1, Number.MAX_SAFE_INTEGER);
  const size = wholeNumber(query.get("pageSize"), 100, 1, 1000);
  if (page === undefined || size === undefined) return { status: 400, body: { Type: "ValidationException", Message: "page must be a whole number from 1 and pageSize from 1 to 1000" } };
  return { status: 200, body: { Id: `list-${listName}`, Status: "OK", pagination: { page, pageSize: size, itemCount: records.length }, [listName]: records.slice((page - 1) * size, page * size) } };
}

/** One Chargebee page: `{ list: [{ <kind>: ... }], next_offset }`; a bad `limit` or `offset` is a 400. */
export function chargebeePage(kind: string, records: readonly Json[], query: URLSearchParams): SimulatorAnswer {
  const limit = wholeNumber(query.get("limit"), 10, 1, 100);
  const offset = query.get("offset");
  const start = offset === null ? 0 : /^\["(\d+)"\]$/.exec(offset)?.[1];
  if (limit === undefined || start === undefined) {
    return { status: 400, body: { api_error_code: "param_wrong_value", message: "limit must be 1 to 100 and offset a value this list returned", http_status_code: 400 } };
  }
  const from = Number(start);
  const next = from + limit < records.length ? `["${from + limit}"]` : undefined;
  return { status: 200, body: { list: records.slice(from, from + limit).map((r) => ({ [kind]: r })), ...(next === undefined ? {} : { next_offset: next }) } };
}
