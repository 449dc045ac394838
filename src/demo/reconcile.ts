/**
 * The demo's reconciler. Reconciliations whose sources all declare `read` run as `spec run` runs
 * them: through the runtime's transport and credentials against the simulators' list endpoints,
 * page by page, their gaps filed in the store. The others still read the simulators' state in
 * process, so every seeded gap is looked for; the demo says which ran which way.
 */
import type { ReconciliationDefinition } from "../ops/reconcile/engine.ts";
import { liveDefinitions, liveReconciler } from "../ops/reconcile/live-reconciler.ts";
import { createReconciler, type Reconciler } from "../ops/reconcile/reconciler.ts";
import { storeExceptionSink } from "../ops/reconcile/store-sink.ts";
import type { Runtime } from "../runtime/engine.ts";
import type { CompiledSpecSet } from "../runtime/pipeline.ts";
import type { SimulatorSet } from "./simulators/start.ts";

/** Options of `demoReconciler`. */
export interface DemoReconcilerOptions {
  definitions: readonly ReconciliationDefinition[];
  compiled: CompiledSpecSet;
  runtime: Runtime;
  simulators: SimulatorSet;
  /** How soon a failed live run (a page that failed) is tried again, in ms. */
  retryMs?: number;
}

/** One reconciler of all the definitions: the live ones through the runtime, the rest in process. */
export function demoReconciler(options: DemoReconcilerOptions): Reconciler & { live: readonly string[] } {
  const { live, skipped } = liveDefinitions(options.definitions);
  const liveNames = new Set(live.map((d) => d.name));
  const local = options.definitions.filter((d) => !liveNames.has(d.name));
  for (const sentence of skipped) options.runtime.logger.info(`${sentence}; the demo reads the simulator's state for it`, { event: "demo.reconciliation-in-process" });
  const parts = [
    liveReconciler({ definitions: live, compiled: options.compiled, runtime: options.runtime, logger: options.runtime.logger, ...(options.retryMs === undefined ? {} : { retryMs: options.retryMs }) }),
    createReconciler({ definitions: local, read: (system, entity) => options.simulators.records(system, entity), sink: storeExceptionSink(options.runtime.store) }),
  ];
  const owning = (names: readonly string[] | undefined, part: Reconciler): string[] | undefined =>
    names === undefined ? undefined : names.filter((n) => part.definitions.some((d) => d.name === n));
  return {
    definitions: options.definitions,
    live: [...liveNames],
    async runAll(names, period) {
      const results = [];
      for (const part of parts) {
        const mine = owning(names, part);
        if (part.definitions.length === 0 || mine?.length === 0) continue;
        results.push(...(await part.runAll(mine, period)));
      }
      return results;
    },
    latest: () => parts.flatMap((p) => p.latest()),
    // Open ones first, as each part lists them.
    exceptions: () => parts.flatMap((p) => p.exceptions()).sort((a, b) => Number(a.closedAt !== undefined) - Number(b.closedAt !== undefined)),
    schedule() {
      const stops = parts.map((p) => p.schedule());
      return () => {
        for (const stop of stops) stop();
      };
    },
  };
}
