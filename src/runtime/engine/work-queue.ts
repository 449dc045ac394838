/**
 * The one owner of the handoff: work the store leased to this worker as it wrote it, waiting in
 * memory for the loops, and the room left for more.
 *
 * How work moves, and where it is kept:
 * - The inbox keeps every accepted event. An event accepted by this worker may be leased to it in
 *   the same transaction (the handoff, `Handoff` in store.ts): it then waits here instead of in a
 *   lease query's answer. At most `capacity` events wait here; the rest wait in the store, pending,
 *   for any worker's loop to lease, oldest first.
 * - An event is free when no delivery of an earlier event under its ordering key is still open at
 *   any of its route's targets, and none of its own is (it has no ordering key, or all before it
 *   were delivered or filed). The store says so as it leases the event (`ClaimedEvent.free`). A
 *   free event's deliveries are made as it is routed, as attempt 1, and written with its
 *   settlement already settled: the event's lease covers them. A delivery that might outlast that
 *   lease, or that follows a failed one to the same system, is not made then.
 * - The outbox keeps every delivery: those made as their event was routed, as the record of what
 *   was sent and answered; and those not made yet, pending, for the delivery loop. The latter may
 *   be leased to this worker as its event's settlement writes them, and wait here too.
 * - Nothing here is lost by a crash: handed work is leased in the store like any other, and a lease
 *   that runs out returns it to the store for another worker. Stopping gives the leases back.
 */
import type { Held, LeaseKeeper } from "../lease-keeper.ts";
import type { ClaimedDelivery, ClaimedEvent, Handoff, RouteTargets } from "../store/store.ts";

/** Room reserved to hand off work: the handoff to ask the store for, and `done` to give the room back. */
export interface Room {
  handoff: Handoff;
  done(): void;
}

/** Leased work waiting in memory for one loop, with its room. */
export interface HandedLine<T extends { id: number; attempt: number }> {
  /** The work waiting, oldest first, with the time each lease ends (kept by the lease keeper). */
  readonly waiting: Held<T>[];
  /** Work waiting plus the room reserved by calls still in flight. */
  used(): number;
  /** What more this worker may take on: the capacity less what waits, is reserved and (when counted) was started. */
  free(): number;
  /**
   * Room to hand off at most `most` items: what `capacity` leaves, less what waits and what calls
   * in flight (concurrent offers, settlements committing side by side) may hand off.
   */
  room(most: number): Room;
  /** The loop started `n` items (handed off or leased from the store); `done` when they are settled or given up. */
  begin(n: number): void;
  done(n: number): void;
  /** Keeps a leased item waiting here; its lease ends at `until`. */
  add(item: T, until: number): void;
  /**
   * Takes up to `limit` items whose leases are fresh. One whose lease has less than half its length
   * left (its renewals did not reach the store) is not started: it might outlive its lease and be
   * leased again elsewhere while still in flight here. It is left to expire and go back to the store.
   */
  take(limit: number): T[];
}

/** The handoff's two lines. */
export interface WorkQueue {
  readonly events: HandedLine<ClaimedEvent>;
  readonly deliveries: HandedLine<ClaimedDelivery>;
  /** How many items may wait in each line. */
  readonly capacity: number;
  /** From now on nothing is handed off (a stopped worker's leases would wait out their length). */
  close(): void;
  open(): void;
  /** Forgets what waits (its leases were given back). */
  clear(): void;
}

/** What the queue needs. */
export interface WorkQueueOptions {
  worker: string;
  leaseMs: number;
  capacity: number;
  /**
   * Whether the work the loop has started counts against the room: a worker sharing its backlog
   * hands itself only what its loop is ready to start, and leaves the rest to the store.
   */
  countStarted?: boolean;
  targets: RouteTargets;
  keeper: LeaseKeeper;
  now(): number;
}

/** Creates the queue. */
export function createWorkQueue(options: WorkQueueOptions): WorkQueue {
  let closed = false;
  const events = handedLine<ClaimedEvent>("event", options, () => closed);
  const deliveries = handedLine<ClaimedDelivery>("delivery", options, () => closed);
  return {
    events,
    deliveries,
    capacity: options.capacity,
    close: () => {
      closed = true;
    },
    open: () => {
      closed = false;
    },
    clear() {
      events.waiting.length = 0;
      deliveries.waiting.length = 0;
    },
  };
}

function handedLine<T extends { id: number; attempt: number }>(kind: "event" | "delivery", options: WorkQueueOptions, closed: () => boolean): HandedLine<T> {
  const { worker, leaseMs, capacity, targets, keeper } = options;
  const waiting: Held<T>[] = [];
  let reserved = 0;
  let started = 0;
  const free = () => capacity - waiting.length - reserved - (options.countStarted === true ? started : 0);
  return {
    waiting,
    used: () => waiting.length + reserved,
    free,
    begin: (n) => {
      started += n;
    },
    done: (n) => {
      started -= n;
    },
    room(most) {
      const limit = closed() ? 0 : Math.max(0, Math.min(most, free()));
      reserved += limit;
      const done = () => {
        reserved -= limit;
      };
      return { handoff: { worker, leaseMs, limit, targets }, done };
    },
    add(item, until) {
      waiting.push(keeper.hold(kind, item, until));
    },
    take: (limit) => takeFresh(waiting, limit, options),
  };
}

/** Takes up to `limit` items of `waiting` whose leases are fresh (see `HandedLine.take`). */
export function takeFresh<T extends { id: number; attempt: number }>(
  waiting: Held<T>[],
  limit: number,
  lease: { leaseMs: number; keeper: LeaseKeeper; now(): number },
): T[] {
  const now = lease.now();
  const fresh: T[] = [];
  for (const w of waiting.splice(0, Math.max(0, limit))) {
    if (w.until - now < lease.leaseMs / 2) {
      lease.keeper.release([w.item]);
      continue;
    }
    fresh.push(w.item);
  }
  return fresh;
}
