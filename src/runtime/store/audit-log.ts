/**
 * The audit log inside a transaction: rows are collected as state changes and appended at the end
 * of the transaction, chained by hash to the row before. The head row (`audit_head`) is locked
 * while appending so that workers sharing a PostgreSQL database extend one chain, never fork it.
 */
import { chunks, perRows } from "./batched.ts";
import type { AuditEntry, AuditVerification } from "./store.ts";
import { auditHash, GENESIS_HASH } from "./canonical-json.ts";
import type { Database, Sql } from "./database.ts";

/** A state change waiting to be appended. */
export interface PendingAudit {
  at: number;
  actor: string;
  action: string;
  subject: string;
  traceId: string | null;
  detail: unknown;
}

const INSERT_AUDIT = perRows((values) => `INSERT INTO audit (seq, at, actor, action, subject, trace_id, detail, prev_hash, hash) VALUES ${values("(?, ?, ?, ?, ?, ?, ?, ?, ?)")}`);

/** Appends the collected rows to the chain. Call last in the transaction. */
export async function appendAudit(sql: Sql, engine: "sqlite" | "postgres", rows: readonly PendingAudit[]): Promise<void> {
  if (rows.length === 0) return;
  const lock = engine === "postgres" ? " FOR UPDATE" : "";
  const [head] = await sql.all<{ seq: number; hash: string }>(`SELECT seq, hash FROM audit_head WHERE id = 1${lock}`);
  let seq = Number(head?.seq ?? 0);
  let prev = head?.hash ?? GENESIS_HASH;
  for (const chunk of chunks(rows)) {
    const params: unknown[] = [];
    for (const row of chunk) {
      seq += 1;
      const detail = JSON.stringify(row.detail ?? null);
      const hash = auditHash(prev, { seq, at: row.at, actor: row.actor, action: row.action, subject: row.subject, traceId: row.traceId, detail });
      params.push(seq, row.at, row.actor, row.action, row.subject, row.traceId, detail, prev, hash);
      prev = hash;
    }
    await sql.run(INSERT_AUDIT(chunk.length), params);
  }
  await sql.run("UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1", [seq, prev]);
}

interface AuditRow {
  seq: number;
  at: number;
  actor: string;
  action: string;
  subject: string;
  trace_id: string | null;
  detail: string;
  prev_hash: string;
  hash: string;
}

/** An audit row as the contract shows it. */
export function auditEntry(row: AuditRow): AuditEntry {
  return {
    seq: Number(row.seq),
    at: Number(row.at),
    actor: row.actor,
    action: row.action,
    subject: row.subject,
    traceId: row.trace_id,
    detail: JSON.parse(row.detail) as unknown,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

const PAGE = 5000;

/**
 * Walks the chain in pages up to the head as it stands when the walk starts (rows appended while
 * it runs are left for the next check); the first row whose link or hash does not hold is reported.
 */
export async function verifyAuditChain(db: Database): Promise<AuditVerification> {
  const [head] = await db.read((sql) => sql.all<{ seq: number; hash: string }>("SELECT seq, hash FROM audit_head WHERE id = 1"));
  const last = Number(head?.seq ?? 0);
  let expectedSeq = 1;
  let prev = GENESIS_HASH;
  let rows = 0;
  while (expectedSeq <= last) {
    const page = await db.read((sql) => sql.all<AuditRow>("SELECT * FROM audit WHERE seq >= ? AND seq <= ? ORDER BY seq LIMIT ?", [expectedSeq, last, PAGE]));
    for (const row of page) {
      const seq = Number(row.seq);
      if (seq !== expectedSeq) return { ok: false, rows, seq: expectedSeq, problem: `row ${expectedSeq} is missing (next is ${seq})` };
      if (row.prev_hash !== prev) return { ok: false, rows, seq, problem: `row ${seq} does not link to row ${seq - 1}` };
      const hash = auditHash(prev, { seq, at: Number(row.at), actor: row.actor, action: row.action, subject: row.subject, traceId: row.trace_id, detail: row.detail });
      if (hash !== row.hash) return { ok: false, rows, seq, problem: `row ${seq} was changed after it was written` };
      prev = row.hash;
      expectedSeq += 1;
      rows += 1;
    }
    if (page.length < PAGE) break;
  }
  if (rows !== last || (head !== undefined && head.hash !== prev)) {
    return { ok: false, rows, seq: last, problem: `the log ends at row ${rows} but ${last} rows were written` };
  }
  return { ok: true, rows };
}
