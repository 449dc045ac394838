/**
 * Idle loops woken by the store. A store shared by processes (PostgreSQL) announces the work its
 * transactions leave for any worker; each announcement wakes this worker's idle loop of that kind,
 * which leases at once instead of at its next poll. The poll stays, slower, as the safety net for
 * work nobody announces: a dead worker's leases running out, a wait's deadline passing. A retry
 * this worker settles wakes its own deliveries loop when it falls due.
 */
import type { WorkKind } from "../store/store.ts";
import type { EngineContext } from "./context.ts";
import type { Idler } from "./loops.ts";

/** How long an idle loop of a worker its store wakes waits before it looks for work anyway (default 1 s). */
export const POLL_MS = 1_000;

/** Wake-ups are logged at most this often, with the count since. */
const WAKE_LOG_MS = 10_000;

/** The idle loops the store wakes. */
export interface Idlers {
  events: Idler;
  deliveries: Idler;
}

/**
 * Subscribes the idle loops to the store's announcements, when it makes them; returns the
 * unsubscribe. Each wake-up of an idle loop is counted (`runtime.work().wokenUp`) and logged
 * (`runtime.woken`, at most every ten seconds with the count since).
 */
export function watchStore(cx: EngineContext, idle: Idlers): () => void {
  if (cx.store.watchWork === undefined) return () => undefined;
  let since = 0;
  let loggedAt = Number.NEGATIVE_INFINITY;
  const unwatch = cx.store.watchWork((work: readonly WorkKind[]) => {
    let woken = 0;
    for (const kind of work) if (idle[kind].nudge()) woken += 1;
    if (woken === 0) return;
    cx.counts.wokenUp += woken;
    since += woken;
    const now = cx.clock.now();
    if (now - loggedAt < WAKE_LOG_MS) return;
    cx.logger.info(`woken ${since} time(s) by work the store announced: idle loops leased it without waiting for their poll`, { event: "runtime.woken", worker: cx.worker, wakeUps: since });
    since = 0;
    loggedAt = now;
  });
  return unwatch;
}

/**
 * Wakes the deliveries loop when the earliest of `dueAt` (retries this worker settled) falls due:
 * with a slow poll the loop would otherwise sleep past it.
 */
export function wakeWhenDue(cx: EngineContext, wake: () => void): (dueAt: number) => void {
  let armedFor = Number.POSITIVE_INFINITY;
  let cancel: (() => void) | undefined;
  return (dueAt) => {
    if (dueAt >= armedFor) return;
    cancel?.();
    armedFor = dueAt;
    // Weak: a stopped runtime is not kept alive for a retry another worker may take.
    cancel = cx.timers.after(
      Math.max(0, dueAt - cx.clock.now()),
      () => {
        armedFor = Number.POSITIVE_INFINITY;
        cancel = undefined;
        wake();
      },
      { weak: true },
    );
  };
}
