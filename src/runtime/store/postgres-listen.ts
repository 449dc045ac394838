/**
 * Waking idle workers when work is ready, over PostgreSQL's LISTEN/NOTIFY. A transaction that
 * leaves events or deliveries for any worker (an offer left in the store, deliveries written to
 * the outbox, a delivery whose successors or waiting events it frees) notifies the store's channel
 * as it commits (postgres.ts); each process keeps one connection listening on it and wakes the
 * loops that subscribed. An idle worker so takes work as soon as another worker leaves it,
 * instead of finding it at its next poll; the poll stays as a safety net for the work no
 * notification announces (a dead worker's leases running out, a retry falling due) and for
 * notifications lost while the listening connection was down.
 */
import pg from "pg";
import type { Logger } from "../logger.ts";
import type { WorkKind } from "./database.ts";

/** Called with the kinds of work another transaction made ready. */
export type WorkWaker = (work: readonly WorkKind[]) => void;

/** Options of `workListener`. */
export interface WorkListenerOptions {
  connectionString: string;
  /** The channel (see `workChannel`). */
  channel: string;
  log: Logger;
  sleep: (ms: number) => Promise<void>;
  /** The first wait before listening again after the connection was lost (default 250 ms); doubles up to 10 s. */
  retryMs?: number;
}

/** One process's listening connection, shared by its subscribers. */
export interface WorkListener {
  /** Subscribes `wake`; the connection is opened for the first subscriber. Returns the unsubscribe. */
  subscribe(wake: WorkWaker): () => void;
  /** Stops listening (the store is closing). */
  close(): Promise<void>;
}

/** The channel of a store's schema: workers of other schemas (tenants, tests) are not woken. */
export function workChannel(schema: string): string {
  // A channel name is an identifier: PostgreSQL keeps 63 bytes of it (the schema name is checked lower-case ASCII).
  return `syncspec_work_${schema}`.slice(0, 63);
}

const KINDS: ReadonlySet<string> = new Set<WorkKind>(["events", "deliveries"]);

/** The kinds a notification's payload names (`"deliveries events"`); both when it names none it knows. */
function kindsOf(payload: string | undefined): WorkKind[] {
  const named = (payload ?? "").split(" ").filter((word): word is WorkKind => KINDS.has(word));
  return named.length > 0 ? named : ["events", "deliveries"];
}

const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Creates the listener; nothing connects until the first subscriber. */
export function workListener(options: WorkListenerOptions): WorkListener {
  const { log, channel } = options;
  const retryMs = options.retryMs ?? 250;
  const wakers = new Set<WorkWaker>();
  let client: pg.Client | undefined;
  let connecting: Promise<void> | undefined;
  let closed = false;
  /** The connection being ended on purpose. */
  let ending: pg.Client | undefined;

  const wakeAll = (work: readonly WorkKind[]) => {
    for (const wake of wakers) wake(work);
  };

  /** Connects and listens, again after each loss while anyone subscribes, with a growing pause. */
  async function listen(): Promise<void> {
    let lost = false;
    for (let attempt = 1; !closed && wakers.size > 0; attempt++) {
      const next = new pg.Client({ connectionString: options.connectionString, connectionTimeoutMillis: 5_000, keepAlive: true });
      const ended = new Promise<Error>((resolve) => {
        next.on("error", resolve);
        next.on("end", () => resolve(new Error("the connection ended")));
      });
      try {
        await next.connect();
        next.on("notification", (message) => {
          if (message.channel === channel) wakeAll(kindsOf(message.payload));
        });
        await next.query(`LISTEN "${channel}"`);
      } catch (error) {
        await next.end().catch(() => undefined);
        if (closed || wakers.size === 0) return;
        lost = true;
        log.warn("store could not listen for work: idle workers poll until it does", { store: "postgres", event: "store.listen-failed", channel, attempt, error: describe(error) });
        await options.sleep(Math.min(10_000, retryMs * 2 ** Math.min(attempt - 1, 10)));
        continue;
      }
      // Everyone left, or the store closed, while it connected.
      if (closed || wakers.size === 0) return void (await next.end().catch(() => undefined));
      client = next;
      if (lost) {
        log.info("store listening for work again", { store: "postgres", event: "store.listening", channel });
        // What was notified while nobody listened is looked for now.
        wakeAll(["events", "deliveries"]);
      }
      lost = false;
      attempt = 0;
      const error = await ended;
      client = undefined;
      // Ended on purpose (the last subscriber left): listen again only for a subscriber that came since.
      if (next === ending) continue;
      if (closed || wakers.size === 0) return;
      lost = true;
      log.warn("store stopped listening for work: idle workers poll until it listens again", { store: "postgres", event: "store.listen-lost", channel, error: error.message });
      await options.sleep(retryMs);
    }
  }

  function start(): void {
    if (connecting !== undefined || closed) return;
    connecting = listen()
      .catch((error: unknown) => log.error("store stopped listening for work", { store: "postgres", event: "store.listen-failed", channel, error: describe(error) }))
      .finally(() => {
        connecting = undefined;
        // A subscriber that came while the last listening ended.
        if (wakers.size > 0) start();
      });
  }

  async function stop(): Promise<void> {
    const open = client;
    client = undefined;
    ending = open;
    await open?.end().catch(() => undefined);
  }

  return {
    subscribe(wake) {
      wakers.add(wake);
      start();
      return () => {
        wakers.delete(wake);
        if (wakers.size === 0) void stop();
      };
    },
    async close() {
      closed = true;
      wakers.clear();
      await stop();
    },
  };
}
