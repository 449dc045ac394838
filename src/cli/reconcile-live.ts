/**
 * `spec reconcile` against the live systems: the spec set's reconciliations (or the ones named)
 * read their sources through their `read` declarations with the credentials of the run
 * configuration's environment, for one period when `--period` is given, and file each gap in the
 * run configuration's store (closing those a run finds gone), as `spec run` does on schedule.
 */
import type { Program } from "../compiler/program.ts";
import type { ReconciliationDefinition, ReconciliationResult } from "../ops/reconcile/engine.ts";
import { liveDefinitions, liveReconciler } from "../ops/reconcile/live-reconciler.ts";
import { periodRange } from "../ops/reconcile/periods.ts";
import type { Reconciler } from "../ops/reconcile/reconciler.ts";
import { createRuntime } from "../runtime/engine.ts";
import { ConfigurationError } from "../runtime/errors.ts";
import { jsonLogger } from "../runtime/logger.ts";
import { loadRunConfig, openStore } from "../runtime/run-config.ts";
import { type CliIo, EXIT, UsageError } from "./io.ts";
import { generatedOrInMemory } from "./load-compiled.ts";

/** Options of a live run. */
export interface LiveRun {
  program: Pick<Program, "set" | "config">;
  definitions: readonly ReconciliationDefinition[];
  only: readonly string[] | undefined;
  period: string | undefined;
  store: string | undefined;
  config: string | undefined;
}

/** Runs the reconciliations live; resolves with the results and the reconciler, or an exit code when it cannot run. */
export async function reconcileLive(
  io: CliIo,
  run: LiveRun,
  report: (results: ReconciliationResult[], reconciler: Reconciler) => number,
): Promise<number> {
  if (run.period !== undefined && periodRange(run.period) === undefined) {
    throw new UsageError(`--period must be a month (2026-03), an ISO week (2026-W11) or a day (2026-03-10), not '${run.period}'`);
  }
  const chosen = run.definitions.filter((d) => run.only === undefined || run.only.includes(d.name));
  const { live, skipped } = liveDefinitions(chosen);
  for (const reason of skipped) io.stderr(`spec reconcile: ${reason}; give its records with --records\n`);
  if (live.length === 0) return EXIT.usage;
  let config: ReturnType<typeof loadRunConfig>;
  try {
    config = loadRunConfig(io.cwd, run.config);
  } catch (error) {
    if (!(error instanceof ConfigurationError)) throw error;
    io.stderr(`spec reconcile: ${error.message}\n`);
    return EXIT.usage;
  }
  const { compiled } = await generatedOrInMemory(run.program);
  const store = await openStore(run.store ?? config.store, config.root, { oneShot: true });
  try {
    const logger = jsonLogger({ write: (line) => io.stderr(line) });
    const runtime = createRuntime({ compiled, store, env: io.env, worker: "spec-reconcile", logger });
    const reconciler = liveReconciler({ definitions: live, compiled, runtime, logger });
    let results: ReconciliationResult[];
    try {
      results = await reconciler.runAll(undefined, run.period);
    } catch (error) {
      io.stderr(`spec reconcile: ${runtime.redactor.text((error as Error).message)}\n`);
      return EXIT.findings;
    }
    const code = report(results, reconciler);
    return skipped.length > 0 && code === EXIT.ok ? EXIT.findings : code;
  } catch (error) {
    if (!(error instanceof ConfigurationError)) throw error;
    io.stderr(`spec reconcile: ${error.message}\n`);
    return EXIT.usage;
  } finally {
    await store.close();
  }
}
