/**
 * The reconciler: runs a spec set's reconciliations on their schedules and on request, keeps the
 * latest result of each, and opens an exception for the owning team for every new gap (a gap
 * already open stays one exception; a gap that closes is reported as closed, and the sink told).
 * With a sink that remembers (the store's, store-sink.ts), a reconciler that starts again learns
 * the gaps still open before its first run and opens none of them twice.
 */
import { withSpan } from "../tracing.ts";
import { nextCronTime } from "../../pipeline/schedule.ts";
import { cachedLookups, type LookupSource } from "./lookups.ts";
import { type Gap, type ReconciliationDefinition, type ReconciliationResult, type RecordReader, runReconciliation } from "./engine.ts";

/** Where gaps become work for people: an exception queue. */
export interface ExceptionSink {
  /** Opens an exception for a gap; returns its id. */
  open(gap: Gap, now: number): Promise<number | string>;
  /** Records that a gap closed by itself (the sides agree again). */
  close?(gap: Gap, now: number): Promise<void>;
  /** The exceptions of gaps still open from earlier runs; asked once, before the first run. */
  current?(): Promise<GapException[]>;
}

/** An exception the reconciler opened. */
export interface GapException {
  id: number | string;
  gap: Gap;
  openedAt: number;
  closedAt?: number;
}

/** The reconciler's state and actions. */
export interface Reconciler {
  definitions: readonly ReconciliationDefinition[];
  /**
   * Runs every reconciliation (or the named ones) now, of one period when given. A reconciliation
   * already running is not started again: the call waits for the run under way.
   */
  runAll(names?: readonly string[], period?: string): Promise<ReconciliationResult[]>;
  /** The latest result of each reconciliation that has run. */
  latest(): ReconciliationResult[];
  /** Exceptions opened for gaps, open ones first. */
  exceptions(): GapException[];
  /** Starts running on each reconciliation's schedule; returns a stop function. */
  schedule(): () => void;
}

/** Options of `createReconciler`. */
export interface ReconcilerOptions {
  definitions: readonly ReconciliationDefinition[];
  read: RecordReader;
  sink?: ExceptionSink;
  now?: () => number;
  /** Called after each run, e.g. to record metrics. */
  onResult?(result: ReconciliationResult): void | Promise<void>;
  /** Called when a run fails (a read failed): nothing was compared, no gap opened or closed. */
  onFailure?(reconciliation: string, error: Error, run: { ranAt: number; durationMs: number; period?: string }): void | Promise<void>;
  /** Where the sources' lookups are answered (the runtime's store); asked once per key in a run. */
  lookups?: LookupSource;
  /** How long after a failed scheduled run it is tried again (default 1 minute; never later than its next run). */
  retryMs?: number;
}

/** When a reconciliation runs next after `after`, or undefined when it has no schedule. */
export function nextRun(definition: ReconciliationDefinition, after: number): number | undefined {
  if (definition.spec.schedule !== undefined) return nextCronTime(definition.spec.schedule, after);
  const every = definition.spec.every === undefined ? undefined : /^(\d+)(ms|s|m|h|d)$/.exec(definition.spec.every);
  if (every === undefined || every === null) return undefined;
  return after + Number(every[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[every[2] as "ms"];
}

/** Creates a reconciler over the definitions and a record reader. */
export function createReconciler(options: ReconcilerOptions): Reconciler {
  const now = options.now ?? Date.now;
  const results = new Map<string, ReconciliationResult>();
  const open = new Map<string, GapException>();
  const closed: GapException[] = [];
  const identity = (gap: Gap) => `${gap.reconciliation}|${gap.key}`;
  let learned: Promise<void> | undefined;
  const learn = (): Promise<void> => {
    const current = options.sink?.current;
    if (current === undefined) return Promise.resolve();
    learned ??= current.call(options.sink).then(
      (exceptions) => {
        for (const exception of exceptions) if (!open.has(identity(exception.gap))) open.set(identity(exception.gap), exception);
      },
      (error: unknown) => {
        // Ask again at the next run rather than open duplicates of what could not be read.
        learned = undefined;
        throw error;
      },
    );
    return learned;
  };
  /** Runs under way, by reconciliation: never two of one reconciliation at once. */
  const running = new Map<string, Promise<ReconciliationResult>>();
  const runOne = (definition: ReconciliationDefinition, period?: string): Promise<ReconciliationResult> => {
    const underway = running.get(definition.name);
    if (underway !== undefined) return underway;
    const ranAt = now();
    const run = compareOnce(definition, period)
      .catch(async (error: unknown) => {
        await options.onFailure?.(definition.name, error as Error, { ranAt, durationMs: now() - ranAt, ...(period === undefined ? {} : { period }) });
        throw error;
      })
      .finally(() => running.delete(definition.name));
    running.set(definition.name, run);
    return run;
  };
  const compareOnce = async (definition: ReconciliationDefinition, period?: string): Promise<ReconciliationResult> => {
    await learn();
    const at = now();
    const result = await withSpan(`reconcile ${definition.name}`, { "syncspec.reconciliation": definition.name }, async (span) => {
      const outcome = await runReconciliation(definition, options.read, {
        now: at,
        ...(period === undefined ? {} : { period }),
        ...(options.lookups === undefined ? {} : { lookups: cachedLookups(options.lookups) }),
      });
      span.setAttribute("syncspec.reconciliation.gaps", outcome.gaps.length);
      return outcome;
    });
    results.set(definition.name, result);
    const seen = new Set<string>();
    for (const gap of result.gaps) {
      const id = identity(gap);
      seen.add(id);
      const existing = open.get(id);
      if (existing !== undefined) {
        existing.gap = gap;
        continue;
      }
      const exceptionId = options.sink === undefined ? id : await options.sink.open(gap, at);
      open.set(id, { id: exceptionId, gap, openedAt: at });
    }
    for (const [id, exception] of open) {
      if (exception.gap.reconciliation !== definition.name || seen.has(id)) continue;
      await options.sink?.close?.(exception.gap, at);
      open.delete(id);
      closed.push({ ...exception, closedAt: at });
    }
    await options.onResult?.(result);
    return result;
  };
  return {
    definitions: options.definitions,
    async runAll(names, period) {
      const chosen = names === undefined ? options.definitions : options.definitions.filter((d) => names.includes(d.name));
      const out: ReconciliationResult[] = [];
      for (const definition of chosen) out.push(await runOne(definition, period));
      return out;
    },
    latest: () => options.definitions.flatMap((d) => results.get(d.name) ?? []),
    exceptions: () => [...open.values(), ...closed],
    schedule() {
      const timers = new Set<NodeJS.Timeout>();
      let stopped = false;
      const plan = (definition: ReconciliationDefinition, retryAt?: number): void => {
        const scheduled = nextRun(definition, now());
        const at = retryAt !== undefined && (scheduled === undefined || retryAt < scheduled) ? retryAt : scheduled;
        if (at === undefined || stopped) return;
        // Timers cap at about 24.8 days; re-plan in steps.
        const wait = Math.min(at - now(), 2 ** 31 - 1);
        const timer = setTimeout(() => {
          timers.delete(timer);
          // A timer may fire a little early: plan the same moment again, a retry still a retry.
          if (now() < at) return plan(definition, retryAt);
          // A failed run (reported through onFailure) is tried again soon, not at its next slot only.
          runOne(definition).then(
            () => plan(definition),
            () => plan(definition, now() + (options.retryMs ?? 60_000)),
          );
        }, wait);
        timer.unref();
        timers.add(timer);
      };
      for (const definition of options.definitions) plan(definition);
      return () => {
        stopped = true;
        for (const timer of timers) clearTimeout(timer);
      };
    },
  };
}
