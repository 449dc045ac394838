/**
 * Rows read back from the store, decoded once and typed: each column is checked as it is read, so
 * a column of the wrong type is a located failure (`events.trace_id is a number, not text`) rather
 * than a wrong value passed on. The engines differ in what they hand back (PostgreSQL gives BIGINT
 * columns as strings, SQLite as numbers): the decoders accept both for integers.
 */
import type { Issue } from "../roles/issues.ts";
import type { ClaimedEvent } from "../roles/inbox.ts";
import type { ClaimedDelivery } from "../roles/outbox.ts";

/** A row as a driver returns it. */
export type Row = Readonly<Record<string, unknown>>;

function wrong(table: string, column: string, value: unknown, expected: string): Error {
  const found = value === null ? "null" : value === undefined ? "missing" : `a ${typeof value}`;
  return new Error(`the store's ${table}.${column} is ${found}, not ${expected}`);
}

/** The readers of one table's columns. */
export interface Columns {
  text(column: string): string;
  optionalText(column: string): string | null;
  int(column: string): number;
  optionalInt(column: string): number | null;
  /** A column holding JSON text, parsed. */
  json<T = unknown>(column: string): T;
  optionalJson<T>(column: string): T | null;
  /** A text column holding one of `values`. */
  oneOf<T extends string>(column: string, values: readonly T[]): T;
  has(column: string): boolean;
}

/** Reads `row`, a row of `table`. */
export function columns(table: string, read: object): Columns {
  const row = read as Row;
  const int = (column: string): number => {
    const value = row[column];
    const n = typeof value === "number" ? value : typeof value === "bigint" || (typeof value === "string" && value.trim() !== "") ? Number(value) : Number.NaN;
    if (!Number.isFinite(n)) throw wrong(table, column, value, "an integer");
    return n;
  };
  const text = (column: string): string => {
    const value = row[column];
    if (typeof value !== "string") throw wrong(table, column, value, "text");
    return value;
  };
  const present = (column: string) => row[column] !== null && row[column] !== undefined;
  const json = <T>(column: string): T => JSON.parse(text(column)) as T;
  return {
    text,
    int,
    json,
    optionalText: (column) => (present(column) ? text(column) : null),
    optionalInt: (column) => (present(column) ? int(column) : null),
    optionalJson: <T>(column: string) => (present(column) ? json<T>(column) : null),
    oneOf<T extends string>(column: string, values: readonly T[]): T {
      const value = text(column);
      if (!(values as readonly string[]).includes(value)) throw new Error(`the store's ${table}.${column} is ${JSON.stringify(value)}, not one of ${values.join(", ")}`);
      return value as T;
    },
    has: present,
  };
}

const ISSUE_KINDS = ["dead-letter", "exception"] as const;
const ISSUE_STATUSES = ["open", "retried", "replayed", "skipped", "closed"] as const;

/** An issue row. */
export function issueOf(row: Row): Issue {
  const c = columns("issues", row);
  const eventId = c.optionalInt("event_id");
  const deliveryId = c.optionalInt("delivery_id");
  const reconciliation = c.optionalText("reconciliation");
  const gap = reconciliation === null ? null : { reconciliation, key: c.text("gap_key"), closedAt: c.optionalInt("gap_closed_at") };
  return {
    id: c.int("id"),
    kind: c.oneOf("kind", ISSUE_KINDS),
    queue: c.text("queue"),
    owner: c.text("owner"),
    route: c.text("route"),
    eventId,
    deliveryId,
    subject: gap !== null ? `reconciliation:${gap.reconciliation}:${gap.key}` : deliveryId !== null ? `delivery:${deliveryId}` : `event:${eventId}`,
    gap,
    reason: c.text("reason"),
    attempts: c.int("attempts"),
    payload: c.json("payload"),
    reasonCode: c.optionalText("reason_code"),
    createdAt: c.int("created_at"),
    status: c.oneOf("status", ISSUE_STATUSES),
    resolvedBy: c.optionalText("resolved_by"),
    resolution: c.optionalText("resolution"),
  };
}

/** A leased event row. */
export function eventOf(row: Row): ClaimedEvent {
  const c = columns("events", row);
  return {
    id: c.int("id"),
    route: c.text("route"),
    key: c.text("idem_key"),
    payload: c.json("payload"),
    orderingKey: c.optionalText("ordering_key"),
    source: c.text("source"),
    traceId: c.text("trace_id"),
    receivedAt: c.int("received_at"),
    attempt: c.int("attempts"),
    revision: c.int("revision"),
    waitUntil: c.optionalInt("wait_until"),
  };
}

/** A leased delivery row. */
export function deliveryOf(row: Row): ClaimedDelivery {
  const c = columns("outbox", row);
  const lapsedFrom = c.optionalText("lapsed_from");
  return {
    id: c.int("id"),
    eventId: c.int("event_id"),
    route: c.text("route"),
    step: c.text("step"),
    system: c.text("system"),
    operation: c.text("operation"),
    idempotencyKey: c.text("idem_key"),
    body: c.json("body"),
    params: c.optionalJson<Record<string, string>>("params"),
    traceId: c.text("trace_id"),
    attempt: c.int("attempts"),
    tries: c.int("tries"),
    ...(lapsedFrom === null ? {} : { takenOverFrom: lapsedFrom }),
    xref: c.optionalJson<NonNullable<ClaimedDelivery["xref"]>>("xref"),
  };
}
