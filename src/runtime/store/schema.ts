/** The store's tables, written once with the two engines' differences in the id column only. */

/** Columns added after a table was first released: added to older stores when missing. */
export const ADDED_COLUMNS: readonly { table: string; column: string; type: string }[] = [
  { table: "outbox", column: "params", type: "TEXT" },
  // Leases of a delivery that ended without their attempt settling (taken over once they ran out, or
  // given back unattempted), and the worker whose lease last ran out: see `ClaimedDelivery.tries`.
  { table: "outbox", column: "lapses", type: "INTEGER NOT NULL DEFAULT 0" },
  { table: "outbox", column: "lapsed_from", type: "TEXT" },
  { table: "issues", column: "reconciliation", type: "TEXT" },
  { table: "issues", column: "gap_key", type: "TEXT" },
  { table: "issues", column: "gap_closed_at", type: "BIGINT" },
  // The reason code of a declared rejection (a reject step); null for other issues.
  { table: "issues", column: "reason_code", type: "TEXT" },
  // What releases a rejected event waiting on a kept record (`{ field, equals }`), beside its wait_* columns.
  { table: "events", column: "release_when", type: "TEXT" },
  // The versioned record a delivery posts (`NewDelivery.posting`), kept as a posting once delivered.
  { table: "outbox", column: "posting", type: "TEXT" },
  // The step of the delivery of the same event this one waits behind (`NewDelivery.after`).
  { table: "outbox", column: "after_step", type: "TEXT" },
  // The identity of the versioned record a delivery posts, to find a record's postings in the outbox.
  { table: "outbox", column: "posting_identity", type: "TEXT" },
  // What took back what was posted (`Posting.withdrawn`): null while it stands.
  { table: "postings", column: "withdrawn", type: "TEXT" },
];

/**
 * Columns that were NOT NULL when first released and may be null since: `issues.event_id`, null
 * for a reconciliation gap's exception. Older stores are relaxed when they open (existing rows keep
 * their values).
 */
export const RELAXED_COLUMNS: readonly { table: "issues"; column: string }[] = [{ table: "issues", column: "event_id" }];

/** Indexes over added columns: created once those columns exist. */
export const ADDED_INDEXES: readonly string[] = [
  // One exception per gap until the gap closes; a second worker opening the same gap finds it.
  "CREATE UNIQUE INDEX IF NOT EXISTS issues_current_gap ON issues (reconciliation, gap_key) WHERE reconciliation IS NOT NULL AND gap_closed_at IS NULL",
  // The open dead letters and exceptions of a delivery, closed once it is delivered (replay.ts).
  "CREATE INDEX IF NOT EXISTS issues_open_delivery ON issues (delivery_id) WHERE status = 'open'",
  // The deliveries that posted one versioned record to one target (postingDelivery).
  "CREATE INDEX IF NOT EXISTS outbox_posting ON outbox (route, posting_identity, system, id) WHERE posting_identity IS NOT NULL",
];

/** The issues table as it is now, under `name` (SQLite relaxes an older one by copying it into this). */
export function issuesTable(engine: "sqlite" | "postgres", name = "issues", ifNotExists = true): string {
  const id = engine === "sqlite" ? "INTEGER PRIMARY KEY" : "BIGSERIAL PRIMARY KEY";
  return `CREATE TABLE ${ifNotExists ? "IF NOT EXISTS " : ""}${name} (
      id ${id}, kind TEXT NOT NULL, queue TEXT NOT NULL, owner TEXT NOT NULL, route TEXT NOT NULL,
      event_id BIGINT, delivery_id BIGINT, reason TEXT NOT NULL, attempts INTEGER NOT NULL,
      payload TEXT NOT NULL, created_at BIGINT NOT NULL, status TEXT NOT NULL, resolved_by TEXT, resolution TEXT,
      resolved_at BIGINT, reconciliation TEXT, gap_key TEXT, gap_closed_at BIGINT, reason_code TEXT)`;
}

/** The DDL statements that create the store's tables and indexes when missing. */
export function schemaStatements(engine: "sqlite" | "postgres"): string[] {
  const id = engine === "sqlite" ? "INTEGER PRIMARY KEY" : "BIGSERIAL PRIMARY KEY";
  // On SQLite an INTEGER PRIMARY KEY is the row id itself: no second index to write per audit row.
  const seq = engine === "sqlite" ? "INTEGER PRIMARY KEY" : "BIGINT PRIMARY KEY";
  return [
    `CREATE TABLE IF NOT EXISTS events (
      id ${id}, route TEXT NOT NULL, idem_key TEXT NOT NULL, payload_hash TEXT NOT NULL, payload TEXT NOT NULL,
      source TEXT NOT NULL, trace_id TEXT NOT NULL, ordering_key TEXT, received_at BIGINT NOT NULL,
      status TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, available_at BIGINT NOT NULL,
      lease_owner TEXT, lease_until BIGINT, wait_entity TEXT, wait_system TEXT, wait_key TEXT, wait_until BIGINT,
      revision INTEGER NOT NULL DEFAULT 0, UNIQUE (route, idem_key))`,
    "CREATE INDEX IF NOT EXISTS events_ready ON events (id) WHERE status = 'pending'",
    "CREATE INDEX IF NOT EXISTS events_open_key ON events (ordering_key, id) WHERE status IN ('pending', 'processing', 'waiting')",
    "CREATE INDEX IF NOT EXISTS events_leased ON events (lease_until) WHERE status = 'processing'",
    "CREATE INDEX IF NOT EXISTS events_waiting ON events (wait_entity, wait_system, wait_key) WHERE status = 'waiting'",
    // The rejected events a kept record releases (release-sql.ts), looked up at every keep and write-back.
    "CREATE INDEX IF NOT EXISTS events_rejected_waiting ON events (wait_entity, wait_system, wait_key) WHERE status = 'rejected'",
    "CREATE INDEX IF NOT EXISTS events_received ON events (route, received_at)",
    `CREATE TABLE IF NOT EXISTS outbox (
      id ${id}, event_id BIGINT NOT NULL, route TEXT NOT NULL, step TEXT NOT NULL, system TEXT NOT NULL,
      operation TEXT NOT NULL, idem_key TEXT NOT NULL, body TEXT NOT NULL, trace_id TEXT NOT NULL, order_key TEXT,
      status TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, available_at BIGINT NOT NULL,
      lease_owner TEXT, lease_until BIGINT, last_error TEXT, xref TEXT, params TEXT, target_id TEXT, delivered_at BIGINT,
      lapses INTEGER NOT NULL DEFAULT 0, lapsed_from TEXT, posting TEXT, after_step TEXT, posting_identity TEXT, UNIQUE (event_id, step))`,
    "CREATE INDEX IF NOT EXISTS outbox_ready ON outbox (id) WHERE status = 'pending'",
    "CREATE INDEX IF NOT EXISTS outbox_open_key ON outbox (order_key, id) WHERE status IN ('pending', 'processing')",
    "CREATE INDEX IF NOT EXISTS outbox_leased ON outbox (lease_until) WHERE status = 'processing'",
    issuesTable(engine),
    "CREATE INDEX IF NOT EXISTS issues_queue ON issues (kind, queue, status)",
    `CREATE TABLE IF NOT EXISTS xref (
      entity TEXT NOT NULL, from_system TEXT NOT NULL, from_id TEXT NOT NULL, to_system TEXT NOT NULL, to_id TEXT NOT NULL,
      PRIMARY KEY (entity, to_system, from_id, from_system))`,
    "CREATE INDEX IF NOT EXISTS xref_back ON xref (entity, from_system, to_system, to_id)",
    `CREATE TABLE IF NOT EXISTS postings (
      route TEXT NOT NULL, identity TEXT NOT NULL, system TEXT NOT NULL, version TEXT NOT NULL, body TEXT NOT NULL,
      target_id TEXT, posted_at BIGINT NOT NULL, withdrawn TEXT, PRIMARY KEY (route, identity, system))`,
    "CREATE TABLE IF NOT EXISTS reference_data (entity TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (entity, key))",
    "CREATE TABLE IF NOT EXISTS cursors (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS message_ids (scope TEXT NOT NULL, id TEXT NOT NULL, hash TEXT NOT NULL, at BIGINT NOT NULL, PRIMARY KEY (scope, id))",
    "CREATE TABLE IF NOT EXISTS quotas (system TEXT PRIMARY KEY, tokens DOUBLE PRECISION NOT NULL, updated_at BIGINT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS slots (system TEXT NOT NULL, holder TEXT NOT NULL, held INTEGER NOT NULL, until BIGINT NOT NULL, PRIMARY KEY (system, holder))",
    `CREATE TABLE IF NOT EXISTS audit (
      seq ${seq}, at BIGINT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL, subject TEXT NOT NULL,
      trace_id TEXT, detail TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL)`,
    "CREATE INDEX IF NOT EXISTS audit_trace ON audit (trace_id)",
    "CREATE TABLE IF NOT EXISTS audit_head (id INTEGER PRIMARY KEY, seq BIGINT NOT NULL, hash TEXT NOT NULL)",
    `CREATE TABLE IF NOT EXISTS reconciliation_runs (
      id ${id}, reconciliation TEXT NOT NULL, period TEXT, ran_at BIGINT NOT NULL, duration_ms BIGINT NOT NULL,
      outcome TEXT NOT NULL, groups_compared INTEGER NOT NULL, detail TEXT NOT NULL)`,
    "CREATE INDEX IF NOT EXISTS reconciliation_runs_by_name ON reconciliation_runs (reconciliation, id)",
  ];
}
