/**
 * The audit role: an append-only log, hash-chained, of everything the runtime and people did,
 * which traces a source event to every posting.
 */

/** One row of the append-only audit log. */
export interface AuditEntry {
  seq: number;
  at: number;
  actor: string;
  action: string;
  subject: string;
  traceId: string | null;
  detail: unknown;
  prevHash: string;
  hash: string;
}

/** The result of checking the audit chain. */
export type AuditVerification =
  | { ok: true; rows: number }
  | { ok: false; rows: number; seq: number; problem: string };

/** Reading and checking the audit log (it is written by the other roles, in their transactions). */
export interface AuditStore {
  /**
   * The audit log, oldest first, optionally only one trace: the first `limit` rows (1,000 unless
   * set), or with `newest` the last `limit` rows, still oldest first.
   */
  auditTrail(options?: { traceId?: string; limit?: number; newest?: boolean }): Promise<AuditEntry[]>;
  /** Recomputes the hash chain; reports the first row that was edited, inserted or deleted. */
  verifyAudit(): Promise<AuditVerification>;
}
