/**
 * The engine's two loops (events, deliveries) and the single rounds `step` and `drain` run. Each
 * takes handed-off work first, then leases from the store; works a batch; and settles it.
 */
import type { Held } from "../lease-keeper.ts";
import type { Claim } from "../store/store.ts";
import type { EngineContext } from "./context.ts";
import { type HandedLine, takeFresh } from "./work-queue.ts";

/**
 * Settlements a loop may have committing at once. Under load a settlement waits for a group
 * commit that also carries intake's inserts; with one in flight the delivery loop sat idle for
 * much of that wait. Each is its own transaction and fenced row by row: their order does not matter.
 */
const SETTLEMENTS_IN_FLIGHT = 4;

type Leased = { id: number; attempt: number };

/** One side of the engine as a loop drives it. */
export interface Side<T extends Leased, S> {
  handed: HandedLine<T>;
  /** Leases up to `limit` items from the store. */
  claim(limit: number): Promise<Held<T>[]>;
  work(batch: readonly T[]): Promise<S>;
  settle(settlements: S, batch: readonly T[]): Promise<void>;
  /** Called when the loop took handed-off work (room came free). */
  took?(): void;
}

/** Leases from the store, each with the time its lease ends, kept from now on. */
export function leaseFrom<T extends Leased>(cx: EngineContext, kind: "event" | "delivery", claim: (request: Claim) => Promise<T[]>) {
  return async (limit: number): Promise<Held<T>[]> => {
    const now = cx.clock.now();
    const rows = await claim({ worker: cx.worker, limit, now, leaseMs: cx.leaseMs, targets: cx.routes.targets });
    return rows.map((item) => cx.keeper.hold(kind, item, now + cx.leaseMs));
  };
}

/** What `takeFresh` reads of the engine. */
const leaseOf = (cx: EngineContext) => ({ leaseMs: cx.leaseMs, keeper: cx.keeper, now: () => cx.clock.now() });

/**
 * How many leases to ask the store for besides `taken` items: at least a quarter of a batch when
 * handed-off work was taken, so the store's work (retries, woken waits, expired leases, events
 * beyond the handoff) is never starved by a steady stream of it. Otherwise a worker sharing its
 * backlog asks only for what it has room to start, and a quarter of a batch at most: what it
 * leases while busy, the other workers could have started sooner, and the idle workers one
 * announcement wakes together (wake-ups.ts) each take a share of what it announced rather than
 * the first of them all of it.
 */
function claimLimit<T extends Leased, S>(cx: EngineContext, side: Side<T, S>, taken: number): number {
  const floor = taken > 0 ? Math.ceil(cx.batchSize / 4) : 0;
  if (cx.sharing) return Math.max(floor, Math.min(Math.ceil(cx.batchSize / 4), side.handed.free()) - taken);
  return Math.max(cx.batchSize - taken, floor);
}

/** One round for `step` and `drain`: lease, work and settle, each step awaited. */
export async function round<T extends Leased, S>(cx: EngineContext, side: Side<T, S>): Promise<number> {
  const batch = side.handed.take(cx.batchSize);
  const limit = claimLimit(cx, side, batch.length);
  const claimed = limit > 0 ? await side.claim(limit) : [];
  batch.push(...takeFresh(claimed, claimed.length, leaseOf(cx)));
  side.handed.begin(batch.length);
  try {
    if (batch.length > 0) await side.settle(await side.work(batch), batch);
  } finally {
    cx.keeper.release(batch);
    side.handed.done(batch.length);
  }
  return batch.length;
}

/** A loop's idle wait, cut short by `wake`. */
export interface Idler {
  wait(): Promise<void>;
  /** Ends the wait; false when the loop was not waiting. */
  wake(): boolean;
  /**
   * Ends the wait, or when the loop is not waiting, its next one at once: work announced while the
   * loop was busy, or while its lease query was on its way back, is looked for before it waits.
   */
  nudge(): boolean;
}

/** Waits `idleMs` at most on the engine's timers. */
export function idler(cx: EngineContext, idleMs: number): Idler {
  let signal: (() => void) | undefined;
  let nudged = false;
  return {
    wait: () =>
      new Promise<void>((done) => {
        if (nudged) {
          nudged = false;
          return done();
        }
        const cancel = cx.timers.after(idleMs, finish);
        function finish() {
          cancel();
          signal = undefined;
          done();
        }
        signal = finish;
      }),
    wake: () => {
      if (signal === undefined) return false;
      signal();
      return true;
    },
    nudge() {
      if (signal === undefined) {
        nudged = true;
        return false;
      }
      signal();
      return true;
    },
  };
}

/**
 * A processing or delivery loop, pipelined so that neither this thread nor the store waits on
 * the other: batches are worked while earlier batches' settlements commit (a few at most are
 * in flight), and leases from the store are asked for ahead, taken when they have arrived.
 * Handed-off work comes first; the store is asked every round for at least a quarter of a
 * batch, so work waiting there (retries, woken waits, expired leases, events beyond the
 * handoff) is never starved by a steady stream of handed work.
 */
export async function loop<T extends Leased, S>(cx: EngineContext, side: Side<T, S>, idle: Idler, running: () => boolean): Promise<void> {
  const claimed: Held<T>[] = [];
  let claiming: Promise<void> | undefined;
  const settling = new Set<Promise<void>>();
  while (running()) {
    const batch = side.handed.take(cx.batchSize);
    if (batch.length > 0) side.took?.();
    batch.push(...takeFresh(claimed, cx.batchSize - batch.length, leaseOf(cx)));
    const limit = claimLimit(cx, side, batch.length);
    if (claiming === undefined && claimed.length === 0 && limit > 0) {
      claiming = side
        .claim(limit)
        .then((rows) => void claimed.push(...rows), cx.report)
        .finally(() => {
          claiming = undefined;
        });
    }
    if (batch.length === 0) {
      // Nothing here: wait for the lease asked for, then for a wake-up or the idle interval.
      if (claiming !== undefined) await claiming;
      if (claimed.length === 0 && side.handed.waiting.length === 0 && running()) await idle.wait();
      continue;
    }
    side.handed.begin(batch.length);
    try {
      const settlements = await side.work(batch);
      while (settling.size >= SETTLEMENTS_IN_FLIGHT) await Promise.race(settling);
      const settled: Promise<void> = side
        .settle(settlements, batch)
        .catch(cx.report)
        .finally(() => {
          cx.keeper.release(batch);
          side.handed.done(batch.length);
          settling.delete(settled);
        });
      settling.add(settled);
    } catch (error) {
      // Not settled: the leases run out and the work is leased again.
      cx.keeper.release(batch);
      side.handed.done(batch.length);
      cx.report(error);
    }
  }
  await Promise.all(settling);
  await claiming;
}
