/**
 * Keeps the leases of the work a worker has in memory: events and deliveries waiting for a loop,
 * being worked, or waiting for a delivery's answer, until their settlement goes to the store.
 *
 * Why leases are renewed rather than made long. A lease says how long a worker may hold work
 * before another worker takes it over; it is the time a dead worker's work waits. A call to a slow
 * target can take longer than a short lease, and a lease long enough for the slowest call makes
 * every crash cost that long. So a lease stays short, and while the worker lives it renews what it
 * holds: every fifth of the lease, the leases that are no longer fresh are extended by a full
 * length, in one statement per table, fenced by the attempt each was leased under. A worker that
 * dies or stalls stops renewing, and its work is taken over a lease's length later.
 *
 * What holds when a renewal comes too late (the worker stalled past its lease, the store was
 * unreachable):
 * - Its settlement still holds as long as no other worker leased the work since: the fencing
 *   token is the attempt number, and a lease that ran out and was only swept back to pending keeps
 *   it (`DeliverySettlement`). Once another worker leased it, the old attempt's settlement is
 *   refused; the delivery's idempotency key makes the new attempt's call the same request, which
 *   the target answers as it answered the first.
 * - A delivery taken over is not charged an attempt: the store counts the lease that ran out as a
 *   lapse (`ClaimedDelivery.tries`), so a target that is merely slow never uses up the retry
 *   policy and sends deliveries it applied to the dead-letter queue.
 *
 * Everything it does that an operator should know of is logged and counted (`LeaseCounts`):
 * renewals, leases lost, deliveries taken over from another worker, settlements refused.
 */
import { systemTimers, type Cancel, type Timers } from "./host.ts";
import type { Logger } from "./logger.ts";
import type { ClaimedDelivery, RenewedLeases, Store } from "./store/store.ts";

/** Leased work as the keeper knows it: its id and fencing token. */
export interface Leased {
  id: number;
  attempt: number;
}

/** A piece of leased work in memory, with the time its lease ends (moved on by each renewal). */
export interface Held<T extends Leased> {
  item: T;
  until: number;
}

/** What a worker did with leases since it started: the counts its operator watches. */
export interface LeaseCounts {
  /** Leases of work in memory extended past their length (a slow call, a loop behind). */
  renewed: number;
  /** Leases of work in memory that ran out before a renewal reached the store: the work may be done twice. */
  lost: number;
  /** Deliveries this worker took over from a worker whose lease ran out before it settled them. */
  takenOver: number;
  /** Settlements the store refused: another worker had leased the work since. */
  refused: number;
}

/** The keeper of one worker's leases. */
export interface LeaseKeeper {
  /** Starts keeping the lease of work now in memory, which ends at `until`. */
  hold<T extends Leased>(kind: "event" | "delivery", item: T, until: number): Held<T>;
  /** Stops keeping the leases of work whose settlement is on its way to the store, or that is given up. */
  release(items: Iterable<object>): void;
  /** When the lease of work in memory ends; 0 when it is not kept. */
  until(item: object): number;
  /** Logs and counts the deliveries a lease took over from another worker. */
  claimed(deliveries: readonly ClaimedDelivery[]): void;
  /** Logs and counts the settlements the store refused. */
  settled(kind: "event" | "delivery", ids: readonly number[], held: readonly boolean[]): void;
  counts(): LeaseCounts;
  /** Forgets every lease (the worker stopped and gave them back) and stops renewing. */
  clear(): void;
}

/** What the keeper needs: the store, this worker, the lease's length, the clock and the log. */
export interface LeaseKeeperOptions {
  store: Pick<Store, "renewLeases">;
  worker: string;
  leaseMs: number;
  now(): number;
  logger: Logger;
  /** Where the renewal timer is armed (default: Node's timers). */
  timers?: Timers;
}

interface Entry {
  kind: "event" | "delivery";
  held: Held<Leased>;
}

/** Creates the keeper; it renews on a timer only while it keeps some lease. */
export function createLeaseKeeper(options: LeaseKeeperOptions): LeaseKeeper {
  const { store, worker, leaseMs, logger } = options;
  const tickMs = Math.max(10, Math.floor(leaseMs / 5));
  const kept = new Map<object, Entry>();
  const counts: LeaseCounts = { renewed: 0, lost: 0, takenOver: 0, refused: 0 };
  const timers = options.timers ?? systemTimers;
  let timer: Cancel | undefined;
  let renewing = false;

  function arm(): void {
    if (timer !== undefined || renewing || kept.size === 0) return;
    // A pending renewal never keeps the process alive by itself.
    timer = timers.after(tickMs, () => void renew(), { weak: true });
  }

  async function renew(): Promise<void> {
    timer = undefined;
    const now = options.now();
    // A lease taken up less than a tick ago is fresh: it is renewed at the next tick, with most of it left.
    const due = [...kept.values()].filter((e) => e.held.until - now < leaseMs - tickMs);
    if (due.length === 0) return arm();
    renewing = true;
    let renewed: RenewedLeases | undefined;
    try {
      const ids = (kind: Entry["kind"]) => due.filter((e) => e.kind === kind).map((e) => ({ id: e.held.item.id, attempt: e.held.item.attempt }));
      renewed = await store.renewLeases({ worker, now, leaseMs, events: ids("event"), deliveries: ids("delivery") });
    } catch (error) {
      logger.warn(`could not renew the leases of ${due.length} piece(s) of work in memory: ${error instanceof Error ? error.message : String(error)}`, {
        event: "lease.renewal-failed",
        worker,
      });
    }
    renewing = false;
    if (renewed !== undefined) account(due, renewed, now);
    arm();
  }

  function account(due: readonly Entry[], renewed: RenewedLeases, now: number): void {
    const ok = { event: new Set(renewed.events), delivery: new Set(renewed.deliveries) };
    const done = { event: 0, delivery: 0 };
    for (const entry of due) {
      const { kind, held } = entry;
      // Settled or given up while the renewal was out: nothing to say.
      if (kept.get(held.item) !== entry) continue;
      if (ok[kind].has(held.item.id)) {
        held.until = now + leaseMs;
        done[kind] += 1;
        continue;
      }
      // Not renewed while the lease still runs: the row was busy (being swept or settled); the next tick tries again.
      if (held.until > options.now()) continue;
      kept.delete(held.item);
      counts.lost += 1;
      logger.warn(`the lease of ${kind} ${held.item.id} (attempt ${held.item.attempt}) ran out before it was renewed: another worker may take it over`, {
        event: "lease.lost",
        worker,
        kind,
        id: held.item.id,
        attempt: held.item.attempt,
      });
    }
    if (done.event + done.delivery > 0) {
      counts.renewed += done.event + done.delivery;
      logger.info(`renewed the leases of ${done.delivery} delivery(ies) and ${done.event} event(s) still in memory`, {
        event: "lease.renewed",
        worker,
        deliveries: done.delivery,
        events: done.event,
      });
    }
  }

  return {
    hold(kind, item, until) {
      const held = { item, until };
      kept.set(item, { kind, held });
      arm();
      return held;
    },
    release(items) {
      for (const item of items) kept.delete(item);
    },
    until: (item) => kept.get(item)?.held.until ?? 0,
    claimed(deliveries) {
      for (const d of deliveries) {
        if (d.takenOverFrom === undefined) continue;
        counts.takenOver += 1;
        logger.warn(`took over delivery ${d.id} from ${d.takenOverFrom}, whose lease ran out before it settled; it is still try ${d.tries} of the retry policy`, {
          event: "lease.taken-over",
          worker,
          delivery: d.id,
          from: d.takenOverFrom,
          attempt: d.attempt,
          tries: d.tries,
        });
      }
    },
    settled(kind, ids, held) {
      for (const [i, ok] of held.entries()) {
        if (ok) continue;
        counts.refused += 1;
        logger.warn(`the settlement of ${kind} ${ids[i]} was refused: another worker leased it since`, { event: "settlement.refused", worker, kind, id: ids[i] });
      }
    },
    counts: () => ({ ...counts }),
    clear() {
      kept.clear();
      timer?.();
      timer = undefined;
    },
  };
}
