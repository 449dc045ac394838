/** The audit role over SQL: reading the log, and checking its hash chain. */
import { auditEntry, verifyAuditChain } from "../audit-log.ts";
import type { AuditEntry, AuditStore } from "../roles/audit.ts";
import type { SqlContext } from "./context.ts";

/** The audit role over `cx`. */
export function sqlAudit(cx: SqlContext): AuditStore {
  const { db } = cx;
  return {
    async auditTrail(options = {}) {
      const limit = options.limit ?? 1000;
      const where = options.traceId === undefined ? "" : " WHERE trace_id = ?";
      const params = options.traceId === undefined ? [limit] : [options.traceId, limit];
      const text =
        options.newest === true
          ? `SELECT * FROM (SELECT * FROM audit${where} ORDER BY seq DESC LIMIT ?) AS newest ORDER BY seq`
          : `SELECT * FROM audit${where} ORDER BY seq LIMIT ?`;
      const rows = await db.read((sql) => sql.all<Parameters<typeof auditEntry>[0]>(text, params));
      return rows.map(auditEntry) as AuditEntry[];
    },
    verifyAudit: () => verifyAuditChain(db),
  };
}
