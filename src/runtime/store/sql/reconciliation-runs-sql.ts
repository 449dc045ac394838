/** The reconciliation runs role over SQL: one row per run, what it compared and found kept as JSON. */
import type { ReconciliationRun, ReconciliationRunStore } from "../roles/reconciliation-runs.ts";
import type { SqlContext } from "./context.ts";

interface Row {
  id: number | string;
  reconciliation: string;
  period: string | null;
  ran_at: number | string;
  duration_ms: number | string;
  outcome: string;
  groups_compared: number | string;
  detail: string;
}

function runOf(row: Row): ReconciliationRun {
  const detail = JSON.parse(row.detail) as Pick<ReconciliationRun, "records" | "gaps" | "problems" | "error">;
  return {
    id: Number(row.id),
    reconciliation: row.reconciliation,
    ...(row.period === null ? {} : { period: row.period }),
    ranAt: Number(row.ran_at),
    durationMs: Number(row.duration_ms),
    outcome: row.outcome === "failed" ? "failed" : "completed",
    groups: Number(row.groups_compared),
    records: detail.records,
    gaps: detail.gaps,
    problems: detail.problems,
    ...(detail.error === undefined ? {} : { error: detail.error }),
  };
}

/** The reconciliation runs role over `cx`. */
export function sqlReconciliationRuns(cx: SqlContext): ReconciliationRunStore {
  const { db } = cx;
  return {
    async recordReconciliationRun(run) {
      const detail = JSON.stringify({ records: run.records, gaps: run.gaps, problems: run.problems, ...(run.error === undefined ? {} : { error: run.error }) });
      const rows = await db.transaction((sql) =>
        sql.all<{ id: number | string }>(
          "INSERT INTO reconciliation_runs (reconciliation, period, ran_at, duration_ms, outcome, groups_compared, detail) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
          [run.reconciliation, run.period ?? null, run.ranAt, run.durationMs, run.outcome, run.groups, detail],
        ),
      );
      return Number(rows[0]?.id);
    },
    async reconciliationRuns(options = {}) {
      const limit = Math.max(1, Math.min(options.limit ?? 100, 10_000));
      const rows = await db.read((sql) =>
        options.reconciliation === undefined
          ? sql.all<Row>("SELECT * FROM reconciliation_runs ORDER BY id DESC LIMIT ?", [limit])
          : sql.all<Row>("SELECT * FROM reconciliation_runs WHERE reconciliation = ? ORDER BY id DESC LIMIT ?", [options.reconciliation, limit]),
      );
      return rows.map(runOf);
    },
  };
}
