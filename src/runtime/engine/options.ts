/** The runtime's settings, and the running runtime's interface. */
import type { RouteSchedules } from "./schedules.ts";
import type { SystemRuntime } from "../delivery/deliver.ts";
import type { Transport } from "../delivery/transport.ts";
import type { Clock, Timers } from "../host.ts";
import type { LeaseCounts } from "../lease-keeper.ts";
import type { Logger } from "../logger.ts";
import type { CompiledSpecSet } from "../pipeline.ts";
import type { Redactor } from "../redact.ts";
import type { Store } from "../store/store.ts";
import type { WorkCounts } from "./context.ts";
import type { EventSource, OfferOptions, OfferResult } from "./intake.ts";
import type { Registry } from "prom-client";

/** The runtime's settings. Everything but `compiled` and `store` has a default. */
export interface RuntimeOptions {
  compiled: CompiledSpecSet;
  store: Store;
  /** How deliveries reach targets (default: HTTP with fetch). */
  transport?: Transport;
  /** Environment the systems' `{ env }` references and secrets are read from (default: the process's). */
  env?: Readonly<Record<string, string | undefined>>;
  secrets?: (name: string) => string | undefined;
  /** Where time comes from (default: the system clock). */
  clock?: Clock;
  /** The timers the loops, the lease keeper and intake arm (default: Node's). */
  timers?: Timers;
  /** A source of uniform numbers in [0, 1), for jitter. */
  random?: () => number;
  /** Waits in real time (rate limiting); default: on `timers`. */
  sleep?: (ms: number) => Promise<void>;
  /** This worker's name in leases and the audit log (default: `worker-<pid>-<random>`). */
  worker?: string;
  /** Events or deliveries leased at once. */
  batchSize?: number;
  leaseMs?: number;
  /** How long an idle loop waits before looking for work again. */
  idleMs?: number;
  /**
   * With a store that wakes idle workers when work is ready (PostgreSQL: LISTEN/NOTIFY), how long an
   * idle loop waits before it looks anyway, for work nobody announces (a dead worker's leases
   * running out, a wait's deadline passing); at least `idleMs` (default 1 s).
   */
  pollMs?: number;
  /** Makes ids (trace ids); default time-ordered UUIDs (version 7). */
  newId?: () => string;
  /**
   * Systems' quotas and concurrency caps are shared by every worker of the store (default), or
   * kept by each process for itself (`false`).
   */
  sharedQuotas?: boolean;
  /**
   * Share this worker's backlog with the other workers of the store (default: on PostgreSQL, not on
   * SQLite). A worker then keeps at most one batch of the events it accepts in memory for itself,
   * and an offer does not wait for room: the events beyond it wait in the store, where every
   * worker leases them, oldest first, one at a time per ordering key. Without it a worker keeps two
   * batches and holds offers back (`intakeWaitMs`) to keep its events for itself.
   */
  shareWork?: boolean;
  /**
   * How long an offer waits, while the loops run, for room among the events waiting in memory
   * before its events are accepted to wait in the store (default 1 s, or 0 when sharing work; 0 never waits).
   */
  intakeWaitMs?: number;
  /**
   * Learns every credential the runtime resolves and sends, and scrubs them from what it stores
   * and reports (default: a new one). Pass the process's one, shared with the webhook handler and
   * the dashboard.
   */
  redactor?: Redactor;
  /**
   * Where the runtime logs what its operator should know of: leases renewed and lost, work taken
   * over from another worker, settlements refused, a loop's store call that failed (default: JSON
   * lines on stderr). Every message passes through the redactor first.
   */
  logger?: Logger;
  /** Fetches OAuth 2.0 client-credentials tokens (default: a form POST to the token URL with fetch). */
  fetchToken?: (url: string, body: string) => Promise<{ access_token: string; expires_in?: number }>;
  /**
   * Where the runtime's Prometheus counters and histograms are registered (events offered,
   * delivery attempts and latency, queue depths, breakers, leases); none when omitted. Spans go to
   * the OpenTelemetry tracer provider the host registered (none: no spans).
   */
  metrics?: Registry;
  /** Waits for a quota, a slot or a breaker at least this long are logged (default 5 s). */
  waitLogMs?: number;
}

/** A running runtime. */
export interface Runtime {
  readonly store: Store;
  readonly worker: string;
  /** Offers payloads from a source to every route it triggers; resolves once they are durable. */
  offer(source: EventSource, payloads: readonly unknown[], options?: OfferOptions): Promise<OfferResult>;
  /** The scheduled routes: armed by `start` on their cron schedules, disarmed by `stop`; `fire` offers one instant now. */
  schedules: RouteSchedules;
  /** One round: lease and process a batch of events, then a batch of deliveries. Returns the work done. */
  step(): Promise<number>;
  /** Steps until no work is ready at the clock's current time. */
  drain(maxRounds?: number): Promise<void>;
  /** Starts the processing and delivery loops. */
  start(): void;
  /** Stops the loops, lets in-flight work finish, gives back leases. */
  stop(): Promise<void>;
  /** The systems' run-time state (breakers), for tests and status. */
  systems: ReadonlyMap<string, SystemRuntime>;
  /** How requests reach the systems (also used by polling sources). */
  transport: Transport;
  /** The credentials this runtime resolved and sent, to scrub from what is stored or shown. */
  readonly redactor: Redactor;
  /** Where the runtime logs (also used by polling sources). */
  readonly logger: Logger;
  /** The timers the runtime arms (also used by polling sources). */
  readonly timers: Timers;
  /** What this worker did with leases since it was created (renewed, lost, taken over, refused). */
  leases(): LeaseCounts;
  /** The work this worker accepted, kept, left to the store and settled since it was created. */
  work(): WorkCounts;
}
