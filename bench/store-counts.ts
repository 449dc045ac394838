/**
 * Counts what the runtime asks of its store during a benchmark run: calls per method and the rows
 * each carries. Unlike times, these do not change with the machine's load, so two revisions can be
 * compared on a busy machine: more calls per event, or smaller batches per settlement, show up here
 * before they show up as a lower rate.
 */
import type { Store } from "../src/runtime/store/store.ts";

/** Calls to one store method and the items they carried (events, settlements, rows leased). */
interface MethodCount {
  calls: number;
  items: number;
}

/** A store that counts the calls made through it, and what it counted. */
export interface CountedStore {
  store: Store;
  counts: Map<string, MethodCount>;
}

/** The number of items a call carries: its first argument's length, a lease's limit, a renewal's ids. */
function itemsOf(args: readonly unknown[]): number {
  const first = args[0];
  if (Array.isArray(first)) return first.length;
  if (first !== null && typeof first === "object") {
    const renewal = first as { events?: unknown[]; deliveries?: unknown[]; limit?: number };
    if (Array.isArray(renewal.events) && Array.isArray(renewal.deliveries)) return renewal.events.length + renewal.deliveries.length;
  }
  return 1;
}

/** Wraps `store` so that every call through it is counted; the store itself is untouched. */
export function countingStore(store: Store): CountedStore {
  const counts = new Map<string, MethodCount>();
  const counted = new Proxy(store, {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver) as unknown;
      if (typeof value !== "function" || typeof name !== "string") return value;
      return (...args: unknown[]) => {
        const count = counts.get(name) ?? { calls: 0, items: 0 };
        count.calls += 1;
        count.items += itemsOf(args);
        counts.set(name, count);
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { store: counted, counts };
}

/**
 * The lookups routing makes: a SQLite store on its own thread serves them on the caller's thread
 * (store-thread.ts), so they are counted apart from the calls that cross to the store.
 */
const LOOKUPS: ReadonlySet<string> = new Set(["findXref", "referenceData"]);

/** What the counts say per event, and the batch sizes the settlements had. */
export interface StoreFigures {
  /** Calls the runtime made to the store per event, lookups aside: for a threaded store, its round trips. */
  storeCallsPerEvent: number;
  /** Cross-reference and reference data lookups per event. */
  lookupsPerEvent: number;
  /** Events per `settleEvents` call, and settlements per `settleDeliveries` call (0 when there was none). */
  eventsPerEventSettlement: number;
  deliveriesPerDeliverySettlement: number;
  /** Calls per method over the run. */
  storeCalls: Record<string, number>;
}

const round = (n: number) => Math.round(n * 100) / 100;

/** Per-event figures from counts taken over a run of `events` events. */
export function storeFigures(counts: ReadonlyMap<string, MethodCount>, events: number): StoreFigures {
  let calls = 0;
  let lookups = 0;
  const storeCalls: Record<string, number> = {};
  for (const [name, count] of [...counts].sort(([a], [b]) => a.localeCompare(b))) {
    if (LOOKUPS.has(name)) lookups += count.calls;
    else calls += count.calls;
    storeCalls[name] = count.calls;
  }
  const perCall = (name: string) => {
    const count = counts.get(name);
    return count === undefined || count.calls === 0 ? 0 : round(count.items / count.calls);
  };
  return {
    storeCallsPerEvent: round(calls / Math.max(1, events)),
    lookupsPerEvent: round(lookups / Math.max(1, events)),
    eventsPerEventSettlement: perCall("settleEvents"),
    deliveriesPerDeliverySettlement: perCall("settleDeliveries"),
    storeCalls,
  };
}
