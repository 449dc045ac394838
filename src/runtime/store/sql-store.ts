/**
 * The store contract implemented once over the SQL surface of `database.ts`, role by role (sql/):
 * the SQLite and PostgreSQL factories only open a connection and create the tables. A new role is
 * its interface in roles/, its implementation in sql/, and one line here.
 */
import type { Database, Sql } from "./database.ts";
import { acceptGroup } from "./sql/accept-sql.ts";
import { sqlAudit } from "./sql/audit-sql.ts";
import { sqlContext } from "./sql/context.ts";
import { sqlInbox } from "./sql/inbox-sql.ts";
import { sqlIssues } from "./sql/issues-sql.ts";
import { sqlLeases } from "./sql/leases-sql.ts";
import { sqlOutbox } from "./sql/outbox-sql.ts";
import { sqlPostings } from "./sql/postings-sql.ts";
import { sqlQuotas } from "./sql/quotas-sql.ts";
import { sqlReconciliationRuns } from "./sql/reconciliation-runs-sql.ts";
import { sqlReferences } from "./sql/references-sql.ts";
import { columns } from "./sql/rows.ts";
import { sqlSources } from "./sql/sources-sql.ts";
import { sqlState } from "./sql/state-sql.ts";
import type { Store, StoreCounts } from "./store.ts";

export { migrate } from "./sql/migrate.ts";

/** The contract over `db`, whose tables exist. */
export function createSqlStore(db: Database): Store {
  const cx = sqlContext(db);
  const group = acceptGroup(cx);
  const countBy = async (sql: Sql, table: "events" | "outbox" | "issues"): Promise<Record<string, number>> => {
    const rows = await sql.all(`SELECT status, COUNT(*) AS n FROM ${table} GROUP BY status`);
    return Object.fromEntries(rows.map((r) => [columns(table, r).text("status"), columns(table, r).int("n")]));
  };
  return {
    engine: db.engine,
    ...sqlInbox(cx, group),
    ...sqlOutbox(cx),
    ...sqlLeases(cx),
    ...sqlIssues(cx),
    ...sqlAudit(cx),
    ...sqlQuotas(cx),
    ...sqlReferences(cx),
    ...sqlSources(cx),
    ...sqlReconciliationRuns(cx),
    ...sqlPostings(cx),
    ...sqlState(db),
    counts: () =>
      db.read(async (sql): Promise<StoreCounts> => ({ events: await countBy(sql, "events"), deliveries: await countBy(sql, "outbox"), issues: await countBy(sql, "issues") })),
    async close() {
      await group.flush();
      await db.close();
    },
  };
}
