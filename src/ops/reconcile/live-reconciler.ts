/**
 * Reconciliation against the live systems, as `spec run` hosts it and `spec reconcile` runs it:
 * the sources' records read through their `read` declarations with the runtime's credentials,
 * each gap opened in the store's exception queue and closed when a later run finds it gone, every
 * run and failure logged and counted. Reconciliations with a source that declares no `read` cannot
 * run live: they are named, not run.
 */
import { Counter, Gauge, type Registry } from "prom-client";
import type { Runtime } from "../../runtime/engine.ts";
import type { Logger } from "../../runtime/logger.ts";
import type { NewReconciliationRun } from "../../runtime/store/store.ts";
import type { CompiledSpecSet } from "../../runtime/pipeline.ts";
import type { ReconciliationDefinition } from "./engine.ts";
import { liveRecordReader } from "./live-reader.ts";
import { createReconciler, type Reconciler } from "./reconciler.ts";
import { gapPayload, storeExceptionSink } from "./store-sink.ts";

/** Records kept per side of each gap of a run kept in the store. */
const RECORDS_KEPT = 25;

/** Options of `liveReconciler`. */
export interface LiveReconcilerOptions {
  definitions: readonly ReconciliationDefinition[];
  compiled: CompiledSpecSet;
  runtime: Pick<Runtime, "systems" | "transport" | "store">;
  logger: Logger;
  registry?: Registry;
  now?: () => number;
  retryMs?: number;
}

/** The reconciliations that can run live, and the sentence naming each that cannot. */
export function liveDefinitions(definitions: readonly ReconciliationDefinition[]): { live: ReconciliationDefinition[]; skipped: string[] } {
  const live: ReconciliationDefinition[] = [];
  const skipped: string[] = [];
  for (const d of definitions) {
    const unread = d.spec.sources.filter((s) => s.read === undefined).map((s) => s.name);
    if (unread.length === 0) live.push(d);
    else skipped.push(`${d.name} cannot run against the live systems: its source${unread.length > 1 ? "s" : ""} ${unread.join(", ")} declare${unread.length > 1 ? "" : "s"} no 'read'`);
  }
  return { live, skipped };
}

/** A reconciler over the live systems, filing gaps in the runtime's store. */
export function liveReconciler(options: LiveReconcilerOptions): Reconciler {
  const { logger } = options;
  const registers = options.registry === undefined ? [] : [options.registry];
  const runs = new Counter({ name: "syncspec_reconciliation_runs_total", help: "Reconciliation runs against the live systems, by outcome.", labelNames: ["reconciliation", "outcome"], registers });
  const gaps = new Gauge({ name: "syncspec_reconciliation_run_gaps", help: "Gaps the latest completed live run of each reconciliation found.", labelNames: ["reconciliation"], registers });
  const read = new Counter({ name: "syncspec_reconciliation_records_read_total", help: "Records read from the live systems' list operations.", labelNames: ["system", "operation"], registers });
  const reader = liveRecordReader({
    systems: options.runtime.systems,
    transport: options.runtime.transport,
    transforms: options.compiled.transforms,
    kept: (entity) => options.runtime.store.keptRecords(entity),
    lookups: options.runtime.store,
    onWait: (wait) =>
      logger.info(`${wait.system}.${wait.operation} asked to wait ${wait.waitMs} ms before page ${wait.page}; waiting`, { event: "reconciliation.read-wait", ...wait }),
    onPage: (page) => read.inc({ system: page.system, operation: page.operation }, page.items),
  });
  // Every run is kept in the store; a store that cannot take it is logged, and the run still counts.
  const keep = (run: NewReconciliationRun): Promise<unknown> =>
    options.runtime.store.recordReconciliationRun(run).catch((error: unknown) =>
      logger.error(`reconciliation ${run.reconciliation}: the run could not be kept in the store: ${(error as Error).message}`, { event: "store.failed", reconciliation: run.reconciliation }),
    );
  return createReconciler({
    definitions: options.definitions,
    read: reader,
    sink: storeExceptionSink(options.runtime.store),
    lookups: options.runtime.store,
    ...(options.now === undefined ? {} : { now: options.now }),
    ...(options.retryMs === undefined ? {} : { retryMs: options.retryMs }),
    async onResult(result) {
      await keep({
        reconciliation: result.reconciliation,
        ...(result.period === undefined ? {} : { period: result.period }),
        ranAt: result.ranAt,
        durationMs: result.durationMs,
        outcome: "completed",
        groups: result.groups,
        records: result.records,
        gaps: result.gaps.map((gap) => gapPayload(gap, RECORDS_KEPT)),
        problems: result.problems,
      });
      runs.inc({ reconciliation: result.reconciliation, outcome: "completed" });
      gaps.set({ reconciliation: result.reconciliation }, result.gaps.length);
      const records = Object.values(result.records).reduce((a, b) => a + b, 0);
      logger.info(`reconciliation ${result.reconciliation}: ${result.groups} groups, ${result.gaps.length} gaps, ${records} records in ${result.durationMs} ms`, {
        event: "reconciliation.run",
        reconciliation: result.reconciliation,
        groups: result.groups,
        gaps: result.gaps.map((g) => g.key),
        records: result.records,
        durationMs: result.durationMs,
      });
      for (const problem of result.problems) {
        logger.warn(`reconciliation ${result.reconciliation}: a record of ${problem.source} was left out: ${problem.message}`, {
          event: "reconciliation.record-skipped",
          reconciliation: result.reconciliation,
          source: problem.source,
          reason: problem.message,
        });
      }
    },
    async onFailure(reconciliation, error, run) {
      await keep({ reconciliation, ...run, outcome: "failed", groups: 0, records: {}, gaps: [], problems: [], error: error.message });
      runs.inc({ reconciliation, outcome: "failed" });
      logger.error(`reconciliation ${reconciliation} failed; nothing was compared and it runs again shortly: ${error.message}`, { event: "reconciliation.failed", reconciliation, reason: error.message });
    },
  });
}
