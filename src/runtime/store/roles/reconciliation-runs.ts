/**
 * The reconciliation runs role: every run of a reconciliation against the live systems, kept with
 * what it compared (the period, the groups, the records read per source) and what it found (each
 * gap with the records behind it, the records left out), or why it failed.
 */

/** One run as it is recorded. */
export interface NewReconciliationRun {
  reconciliation: string;
  /** The one period it reconciled, when it reconciled one. */
  period?: string;
  ranAt: number;
  durationMs: number;
  outcome: "completed" | "failed";
  groups: number;
  /** Records compared, by source. */
  records: Readonly<Record<string, number>>;
  /** The gaps, each with the records behind its sides. */
  gaps: readonly unknown[];
  /** Records left out (a measure or a mapping failed), with why. */
  problems: readonly unknown[];
  /** Why a failed run failed. */
  error?: string;
}

/** A recorded run. */
export interface ReconciliationRun extends NewReconciliationRun {
  id: number;
}

/** The runs of reconciliations. */
export interface ReconciliationRunStore {
  /** Keeps a run; returns its id. */
  recordReconciliationRun(run: NewReconciliationRun): Promise<number>;
  /** The latest runs, newest first: of one reconciliation when named, at most `limit` (100 unless set). */
  reconciliationRuns(options?: { reconciliation?: string; limit?: number }): Promise<ReconciliationRun[]>;
}
