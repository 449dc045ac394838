/**
 * `createRuntime`: hosts compiled pipelines over a store. Intake offers events to the inbox (and
 * answers only once they are durable); the processing loop leases events, runs their pipelines and
 * commits the resulting deliveries to the outbox; the delivery loop leases deliveries and calls the
 * targets under each system's policies. Time and randomness are injected.
 */
import { randomUUID } from "node:crypto";
import { assertCompiledBy } from "./compatibility.ts";
import { ConfigurationError } from "./errors.ts";
import { authHeaders, valueResolver } from "./delivery/auth.ts";
import { attemptDelivery, attemptMs, type DeliveryContext, longestDelivery, type SharedQuotas, sendsBodyAsIs, type SystemRuntime, systemRuntime } from "./delivery/deliver.ts";
import { fetchTransport, type Transport } from "./delivery/transport.ts";
import type { CompiledSpecSet, PipelineDefinition } from "./pipeline.ts";
import { createLeaseKeeper, type Held, type LeaseCounts } from "./lease-keeper.ts";
import { jsonLogger, type Logger } from "./logger.ts";
import { keyOf, lookupCache, type ProcessContext, processEvent, routeTargets, xrefsNeeded } from "./process-event.ts";
import { timeOrderedId } from "./ids.ts";
import { createObserver, type RuntimeObserver } from "./observe/observer.ts";
import { createRuntimeMetrics } from "./observe/runtime-metrics.ts";
import { outgoingTraceparent, spanTraceId } from "./observe/trace-context.ts";
import type { Span } from "@opentelemetry/api";
import type { Registry } from "prom-client";
import { createRedactor, learningHeaders, type Redactor, scrubEventSettlement, scrubOutcome } from "./redact.ts";
import { payloadHash } from "./store/batched.ts";
import type { AcceptOutcome, Claim, ClaimedDelivery, ClaimedEvent, DeliverySettlement, EventSettlement, Handoff, IncomingEvent, LeasedDelivery, NewDelivery, Store } from "./store/store.ts";

/** Where time comes from. */
export interface Clock {
  now(): number;
}

/** The runtime's settings. Everything but `compiled` and `store` has a default. */
export interface RuntimeOptions {
  compiled: CompiledSpecSet;
  store: Store;
  /** How deliveries reach targets (default: HTTP with fetch). */
  transport?: Transport;
  /** Environment the systems' `{ env }` references and secrets are read from (default: process.env). */
  env?: Readonly<Record<string, string | undefined>>;
  secrets?: (name: string) => string | undefined;
  clock?: Clock;
  /** A source of uniform numbers in [0, 1), for jitter. */
  random?: () => number;
  /** Waits in real time (rate limiting, idle polling). */
  sleep?: (ms: number) => Promise<void>;
  /** This worker's name in leases and the audit log. */
  worker?: string;
  /** Events or deliveries leased at once. */
  batchSize?: number;
  leaseMs?: number;
  /** How long an idle loop waits before looking for work again. */
  idleMs?: number;
  /** Makes ids (trace ids); default time-ordered UUIDs (version 7). */
  newId?: () => string;
  /**
   * Systems' quotas and concurrency caps are shared by every worker of the store (default), or
   * kept by each process for itself (`false`).
   */
  sharedQuotas?: boolean;
  /**
   * How long an offer waits, while the loops run, for room among the events waiting in memory
   * before its events are accepted to wait in the store (default 1 s; 0 never waits).
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
  /**
   * Where the runtime's Prometheus counters and histograms are registered (events offered,
   * delivery attempts and latency, queue depths, breakers, leases); none when omitted. Spans go to
   * the OpenTelemetry tracer provider the host registered (none: no spans).
   */
  metrics?: Registry;
  /** Waits for a quota, a slot or a breaker at least this long are logged (default 5 s). */
  waitLogMs?: number;
  /** Fetches OAuth 2.0 client-credentials tokens (default: a form POST to the token URL with fetch). */
  fetchToken?: (url: string, body: string) => Promise<{ access_token: string; expires_in?: number }>;
}

/**
 * Settlements a loop may have committing at once. Under load a settlement waits for a group
 * commit that also carries intake's inserts; with one in flight the delivery loop sat idle for
 * much of that wait. Each is its own transaction and fenced row by row: their order does not matter.
 */
const SETTLEMENTS_IN_FLIGHT = 4;

/**
 * Batches of handed-off work that may wait in memory for each loop. One left the store to lease
 * much of the work under load; more than two gained nothing.
 */
const HANDOFF_BATCHES = 2;

/**
 * How long an offer waits by default, while the loops run, for room among the events waiting in
 * memory. When intake outpaces processing, events accepted with no room go to wait in the store,
 * and leasing them back costs the store a write each: an offer held back a little instead keeps
 * every event on the cheaper path, and tells a sender that can wait to slow down. Past the wait it
 * is accepted anyway: intake never refuses durable work, and a webhook is answered in bounded time.
 */
export const INTAKE_WAIT_MS = 1_000;

/**
 * Time kept, past the longest a delivery made as its event is routed may take, for the event's
 * settlement to commit within its lease.
 */
const SETTLE_MARGIN_MS = 5_000;

/** A batch of routed events' settlements, and the deliveries being made for them as they were routed. */
interface RoutedBatch {
  settlements: EventSettlement[];
  made: Promise<unknown> | undefined;
}

/** Leased work waiting in memory for a loop, with the time its lease ends (kept by the lease keeper). */
type Waiting<T extends { id: number; attempt: number }> = Held<T>;

/** A source of an event: a system event, or a canonical event. */
export type EventSource = { system: string; event: string } | { canonical: string };

/** What `offer` did with each payload, per route it triggers. */
export interface OfferResult {
  outcomes: AcceptOutcome[];
  /** Payloads refused before the inbox (missing idempotency key fields), with the reason. */
  refused: { route: string; reason: string }[];
}

/** How an offer's events join a trace. */
export interface OfferOptions {
  /** The trace id every offered event keeps (default: the intake span's, else a new id per payload). */
  traceId?: string;
  /** The sender's W3C `traceparent`: the intake span continues it. */
  traceparent?: string;
}

/** A running runtime. */
export interface Runtime {
  readonly store: Store;
  readonly worker: string;
  /** Offers payloads from a source to every route it triggers; resolves once they are durable. */
  offer(source: EventSource, payloads: readonly unknown[], options?: OfferOptions): Promise<OfferResult>;
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
  /** What this worker did with leases since it was created (renewed, lost, taken over, refused). */
  leases(): LeaseCounts;
}

/** Creates a runtime; resolves every credential now, so a missing one fails at start-up. */
export function createRuntime(options: RuntimeOptions): Runtime {
  const { compiled, store } = options;
  assertCompiledBy(compiled.compilerVersion);
  const clock = options.clock ?? { now: () => Date.now() };
  const random = options.random ?? Math.random;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const worker = options.worker ?? `worker-${process.pid}-${randomUUID().slice(0, 8)}`;
  const batchSize = options.batchSize ?? 256;
  // Renewed while the work is in memory (lease-keeper.ts): its length is how long a dead worker's work waits.
  const leaseMs = options.leaseMs ?? 60_000;
  const idleMs = options.idleMs ?? 50;
  const intakeWaitMs = options.intakeWaitMs ?? INTAKE_WAIT_MS;
  if (!Number.isFinite(intakeWaitMs) || intakeWaitMs < 0) throw new ConfigurationError(`intakeWaitMs must be a number of milliseconds, 0 or more, not ${intakeWaitMs}`);
  const newId = options.newId ?? (() => timeOrderedId(clock.now()));
  const env = options.env ?? process.env;
  const redactor = options.redactor ?? createRedactor();
  const resolve = redactor.resolver(valueResolver(env, options.secrets));

  const pipelines = new Map(compiled.pipelines.map((p) => [p.route, p]));
  const canonicalRoutes = new Map<string, PipelineDefinition[]>();
  const eventRoutes = new Map<string, PipelineDefinition[]>();
  for (const p of compiled.pipelines) {
    const key = p.trigger.kind === "event" ? `${p.trigger.system}.${p.trigger.event}` : p.trigger.kind === "canonical" ? p.trigger.event : undefined;
    const table = p.trigger.kind === "canonical" ? canonicalRoutes : eventRoutes;
    if (key !== undefined) table.set(key, [...(table.get(key) ?? []), p]);
  }
  const logger = options.logger ?? jsonLogger({ write: (line) => process.stderr.write(redactor.text(line)), now: () => clock.now() });
  /**
   * A loop's call that failed (a lease, a settlement, a shared quota): logged as an error, with the
   * credentials the runtime knows scrubbed from it even when the host's logger writes it elsewhere.
   * The work is not lost: its lease runs out and it is leased again.
   */
  const report = (error: unknown) => {
    logger.error(redactor.text(`the runtime's call failed: ${error instanceof Error ? error.message : String(error)}`), { event: "runtime.failed", worker });
  };
  /** Renews the leases of the work in memory while it waits, is worked, or waits for an answer (see lease-keeper.ts). */
  const keeper = createLeaseKeeper({ store, worker, leaseMs, now: () => clock.now(), logger });
  // A worker's slots of a concurrency cap stay its own, unless it asks again, for longer than a call
  // started on them may take: they are handed on to its next calls for up to a second after it took them.
  const slotHoldMs = Math.max(leaseMs, longestDelivery(compiled).ms + 2_000);
  // Every worker of the store takes from one bucket per system: together they keep its quota.
  const sharedQuota: SharedQuotas = {
    reserve: (system, want, now, requestsPerMinute, burst) => store.takeQuota({ system, want, now, requestsPerMinute, burst }),
    slots: (system, limit) => ({
      limit,
      take: (want, holding) => store.takeSlots({ system, holder: worker, want, holding, limit, now: clock.now(), holdMs: slotHoldMs }),
      give: (count) => store.returnSlots({ system, holder: worker, count, now: clock.now() }),
      report,
    }),
    now: () => clock.now(),
    report,
  };
  const systems = new Map<string, SystemRuntime>();
  for (const [name, definition] of Object.entries(compiled.systems)) {
    const baseUrl = resolve(definition.baseUrl, `${name}.baseUrl`);
    const made = authHeaders(definition, resolve, { now: () => clock.now(), ...(options.fetchToken ? { fetchToken: options.fetchToken } : {}) });
    const keyHeader = (definition.auth as { header?: unknown }).header;
    const auth = learningHeaders(redactor, made, typeof keyHeader === "string" ? [keyHeader] : []);
    systems.set(name, systemRuntime(definition, baseUrl, auth, compiled.pipelines, options.sharedQuotas === false ? undefined : sharedQuota));
  }
  const deliveryContext: DeliveryContext = {
    systems,
    pipelines,
    transport: options.transport ?? fetchTransport(),
    now: () => clock.now(),
    random,
    sleep,
    worker,
    redact: redactor.text,
  };
  const observer: RuntimeObserver = createObserver({
    logger,
    worker,
    metrics:
      options.metrics === undefined
        ? undefined
        : createRuntimeMetrics(options.metrics, {
            queues: () => ({ events: handedEvents.length, deliveries: handedDeliveries.length }),
            breakers: () => [...systems].map(([system, s]) => ({ system, state: s.breaker.state(clock.now()) })),
            leases: () => keeper.counts(),
          }),
    ...(options.waitLogMs === undefined ? {} : { waitLogMs: options.waitLogMs }),
  });
  /** One delivery attempt, logged, counted and traced; its span goes to the target as `traceparent`. */
  const attempt = (d: ClaimedDelivery) => {
    const breaker = systems.get(d.system)?.breaker;
    return observer.deliver(
      d,
      () => breaker?.state(clock.now()) ?? "closed",
      (span) => attemptDelivery(deliveryContext, d, { traceparent: outgoingTraceparent(span, d.traceId) }),
    );
  };
  const operations = (system: string, operation: string) => compiled.systems[system]?.operations[operation];
  const xrefNeeded = xrefsNeeded(compiled.pipelines);
  const targets = routeTargets(compiled.pipelines);

  /**
   * Work the store leased to this worker as it wrote it (see `Handoff`): events this worker
   * accepted, deliveries it routed. They wait here for the loops, at most two batches of each;
   * beyond that the store keeps the work and the loops lease it in turn.
   */
  const handedEvents: Waiting<ClaimedEvent>[] = [];
  const handedDeliveries: Waiting<ClaimedDelivery>[] = [];
  /**
   * Room to hand off at most `most` items to `handed`: two batches, less what waits there and what
   * the calls still in flight (concurrent offers, settlements committing side by side) may hand
   * off. `done` gives the room back once what was handed off waits in `handed`.
   */
  const reserved = new Map<readonly unknown[], number>();
  function handoffRoom(handed: readonly unknown[], most: number): { handoff: Handoff; done(): void } {
    // A stopped worker takes no leases: they would wait out their length before another worker's turn.
    const limit = stopped ? 0 : Math.max(0, Math.min(most, HANDOFF_BATCHES * batchSize - handed.length - (reserved.get(handed) ?? 0)));
    reserved.set(handed, (reserved.get(handed) ?? 0) + limit);
    return { handoff: { worker, leaseMs, limit, targets }, done: () => reserved.set(handed, (reserved.get(handed) ?? 0) - limit) };
  }

  /**
   * Offers waiting for room among the handed-off events, in the order they came: only the first
   * may take room, so a later, smaller offer does not overtake an earlier one (event ids, and so
   * the order of a key's events, follow the order of acceptance). The first is woken when the
   * events loop takes some, and the next when it leaves the line; all of them when the loops stop.
   */
  const intakeLine: { wake(): void }[] = [];
  const roomFreed = () => intakeLine[0]?.wake();
  const wakeAll = () => {
    for (const waiter of intakeLine) waiter.wake();
  };
  /**
   * Room to hand off `n` accepted events: while the loops run, an offer waits its turn until they
   * fit beside those already waiting in memory (or none wait), for at most `intakeWaitMs`.
   */
  async function intakeRoom(n: number): Promise<{ handoff: Handoff; done(): void }> {
    const fits = () => {
      const used = handedEvents.length + (reserved.get(handedEvents) ?? 0);
      return used === 0 || used + n <= HANDOFF_BATCHES * batchSize;
    };
    if (!running || (intakeLine.length === 0 && fits())) return handoffRoom(handedEvents, n);
    const deadline = performance.now() + intakeWaitMs;
    const me: { wake(): void } = { wake: () => undefined };
    intakeLine.push(me);
    try {
      for (;;) {
        const left = deadline - performance.now();
        if (!running || (intakeLine[0] === me && fits()) || left <= 0) break;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(wake, left);
          function wake() {
            clearTimeout(timer);
            me.wake = () => undefined;
            resolve();
          }
          me.wake = wake;
        });
      }
    } finally {
      intakeLine.splice(intakeLine.indexOf(me), 1);
      // The next in line may take room now; the room this one takes is reserved before it looks.
      roomFreed();
    }
    return handoffRoom(handedEvents, n);
  }

  /** The deliveries the store leased by handoff as the events were routed, as the loop would have leased them. */
  function handedOff(leased: readonly LeasedDelivery[], events: readonly ClaimedEvent[], settlements: readonly EventSettlement[]): void {
    if (leased.length === 0) return;
    const leasedAt = settlements[0]?.now ?? clock.now();
    const eventsById = new Map(events.map((e) => [e.id, e]));
    const deliveries = new Map<string, NewDelivery>();
    for (const s of settlements) if (s.outcome === "routed") for (const d of s.deliveries) deliveries.set(`${s.eventId}\u0000${d.step}`, d);
    for (const l of leased) {
      const event = eventsById.get(l.eventId);
      const d = deliveries.get(`${l.eventId}\u0000${l.step}`);
      if (event === undefined || d === undefined) {
        // Not expected: the store leased a delivery this batch did not route. It is not lost: its
        // lease expires and it is leased again.
        report(new Error(`the store handed off delivery ${l.deliveryId} (event ${l.eventId}, step ${l.step}), which this batch did not route`));
        continue;
      }
      handedDeliveries.push(keeper.hold("delivery", leasedDelivery(event, d, l.deliveryId), leasedAt + leaseMs));
    }
  }

  /**
   * A routed event's delivery as attempt 1, as a lease from the store would hand it back: the body
   * as the store keeps it, parsed only for an operation that reads it (`sendsBodyAsIs`).
   */
  function leasedDelivery(event: ClaimedEvent, d: NewDelivery, id: number): ClaimedDelivery {
    const operation = operations(d.system, d.operation);
    const json = d.bodyJson ?? JSON.stringify(d.body ?? null);
    const asIs = operation !== undefined && sendsBodyAsIs(operation);
    const item: ClaimedDelivery = {
      id,
      eventId: event.id,
      route: event.route,
      step: d.step,
      system: d.system,
      operation: d.operation,
      idempotencyKey: d.idempotencyKey,
      body: asIs ? null : (JSON.parse(json) as unknown),
      params: d.params ?? null,
      traceId: event.traceId,
      attempt: 1,
      tries: 1,
      xref: d.xref ?? null,
    };
    if (asIs) item.bodyJson = json;
    return item;
  }

  /** Leases from the store, each with the time its lease ends, kept from now on. */
  function leaseFrom<T extends { id: number; attempt: number }>(kind: "event" | "delivery", claim: (request: Claim) => Promise<T[]>) {
    return async (limit: number): Promise<Waiting<T>[]> => {
      const now = clock.now();
      return (await claim({ worker, limit, now, leaseMs, targets })).map((item) => keeper.hold(kind, item, now + leaseMs));
    };
  }
  const claimEvents = leaseFrom("event", (request) => store.claimEvents(request));
  const claimDeliveries = leaseFrom("delivery", async (request) => {
    const deliveries = await store.claimDeliveries(request);
    keeper.claimed(deliveries);
    return deliveries;
  });

  /**
   * Takes up to `limit` items of leased work waiting in memory. Their leases are renewed while they
   * wait, but one whose lease has less than half its length left (its renewals did not reach the
   * store) is not started: it might outlive its lease and be leased again elsewhere while still in
   * flight here. It is left to expire and go back to the store.
   */
  function takeFresh<T extends { id: number; attempt: number }>(waiting: Waiting<T>[], limit: number): T[] {
    const now = clock.now();
    const fresh: T[] = [];
    for (const w of waiting.splice(0, Math.max(0, limit))) {
      if (w.until - now < leaseMs / 2) {
        keeper.release([w.item]);
        continue;
      }
      fresh.push(w.item);
    }
    return fresh;
  }

  /** How many leases to ask the store for besides `taken` items: at least a quarter of a batch, so its work is never starved. */
  const claimLimit = (taken: number) => Math.max(batchSize - taken, Math.ceil(batchSize / 4));

  /**
   * Runs leased events' pipelines; nothing is written until the settlements are. A free event's
   * deliveries are made here, as attempt 1, and settled with it: the outbox only records them.
   */
  async function processEvents(events: readonly ClaimedEvent[]): Promise<RoutedBatch> {
    const cx: ProcessContext = { pipelines, canonicalRoutes, operations, lookups: lookupCache(store), xrefNeeded, now: clock.now(), worker };
    const settlements = await Promise.all(events.map((event) => observer.process(event, (onStep) => processEvent({ ...cx, onStep }, event))));
    const deliveries: Promise<void>[] = [];
    for (const [i, s] of settlements.entries()) {
      if (s.outcome !== "routed") continue;
      // From here on a delivery's body is its JSON: that is what is sent, stored and handed off.
      for (const d of s.deliveries) {
        d.bodyJson = JSON.stringify(d.body ?? null);
        d.body = undefined;
      }
      const event = events[i];
      if (event?.free === true && s.deliveries.length > 0) deliveries.push(deliverRouted(event, s.deliveries));
    }
    // The deliveries are awaited by the settlement, so that the loop routes its next batch meanwhile.
    return { settlements, made: deliveries.length === 0 ? undefined : Promise.all(deliveries) };
  }

  /**
   * Makes a routed event's deliveries, as the delivery loop would have once they were leased.
   * Deliveries to one system share an order key: they go one after another, and after one that
   * failed the rest are left to the outbox, to go in their turn behind it.
   */
  async function deliverRouted(event: ClaimedEvent, deliveries: readonly NewDelivery[]): Promise<void> {
    const systems = new Set<string>();
    for (const d of deliveries) systems.add(d.system);
    if (systems.size === deliveries.length) {
      // Each to its own system (the usual case): all at once.
      await Promise.all(deliveries.map((d) => deliverNow(event, d)));
      return;
    }
    await Promise.all(
      [...systems].map(async (system) => {
        for (const d of deliveries) if (d.system === system && !(await deliverNow(event, d))) return;
      }),
    );
  }

  /**
   * Makes one delivery of a routed event as attempt 1 and keeps the outcome on it; true when it was
   * delivered. One that might not end, and be settled, before the event's lease does is not made:
   * it is left to the outbox.
   */
  async function deliverNow(event: ClaimedEvent, d: NewDelivery): Promise<boolean> {
    const system = compiled.systems[d.system];
    const operation = system?.operations[d.operation];
    if (operation === undefined) return false;
    if (clock.now() + attemptMs(operation, pipelines.get(event.route), system) + SETTLE_MARGIN_MS > keeper.until(event)) return false;
    // The row is written with the settlement; the store gives it its id.
    d.attempted = await attempt(leasedDelivery(event, d, 0));
    return d.attempted.outcome === "delivered";
  }

  /**
   * Commits events' settlements once the deliveries made as they were routed are done; the
   * deliveries handed off with them go to the delivery loop.
   */
  async function settleEvents({ settlements, made }: RoutedBatch, events: readonly ClaimedEvent[]): Promise<void> {
    if (made !== undefined) await made;
    const room = handoffRoom(handedDeliveries, settlements.reduce((n, s) => n + (s.outcome === "routed" ? s.deliveries.length : 0), 0));
    // From here the settlement holds the events: renewing their leases could only wait on it.
    keeper.release(events);
    try {
      // Scrubbed before the store: what is written there (and hashed into the audit chain) stays.
      for (const s of settlements) scrubEventSettlement(redactor, s);
      const { settled, leased } = await store.settleEvents(settlements, room.handoff);
      keeper.settled("event", settlements.map((s) => s.eventId), settled);
      handedOff(leased, events, settlements);
    } finally {
      room.done();
    }
    wakeDeliveries();
    // A delivery made as its event was routed may have recorded a cross-reference that wakes waiting events.
    if (settlements.some((s) => s.outcome === "routed" && s.deliveries.some((d) => d.xref !== undefined && d.attempted?.outcome === "delivered"))) wakeEvents();
  }

  /** Attempts leased deliveries under their systems' policies. */
  const sendDeliveries = (deliveries: readonly ClaimedDelivery[]) => Promise.all(deliveries.map(attempt));

  /** Commits deliveries' settlements. */
  async function settleDeliveries(settlements: readonly DeliverySettlement[], deliveries: readonly ClaimedDelivery[]): Promise<void> {
    keeper.release(deliveries);
    for (const s of settlements) scrubOutcome(redactor, s);
    keeper.settled("delivery", settlements.map((s) => s.deliveryId), await store.settleDeliveries(settlements));
    // A delivery may have recorded a cross-reference that wakes waiting events.
    wakeEvents();
  }

  /** One round for `step` and `drain`: lease, work and settle, each step awaited. */
  async function round<T extends { id: number; attempt: number }, S>(
    handed: Waiting<T>[],
    claim: (limit: number) => Promise<Waiting<T>[]>,
    work: (batch: readonly T[]) => Promise<S>,
    settle: (s: S, batch: readonly T[]) => Promise<void>,
  ): Promise<number> {
    const batch = takeFresh(handed, batchSize);
    const claimed = await claim(claimLimit(batch.length));
    batch.push(...takeFresh(claimed, claimed.length));
    try {
      if (batch.length > 0) await settle(await work(batch), batch);
    } finally {
      keeper.release(batch);
    }
    return batch.length;
  }
  const processBatch = () => round(handedEvents, claimEvents, processEvents, settleEvents);
  const deliverBatch = () => round(handedDeliveries, claimDeliveries, sendDeliveries, settleDeliveries);

  let running = false;
  /** Set by `stop`: the worker hands itself no more work (see `handoffRoom`). */
  let stopped = false;
  const loops: Promise<void>[] = [];
  let eventSignal: (() => void) | undefined;
  let deliverySignal: (() => void) | undefined;
  const wakeEvents = () => eventSignal?.();
  const wakeDeliveries = () => deliverySignal?.();
  const idle = (set: (wake: (() => void) | undefined) => void) =>
    new Promise<void>((done) => {
      const timer = setTimeout(finish, idleMs);
      function finish() {
        clearTimeout(timer);
        set(undefined);
        done();
      }
      set(finish);
    });
  /**
   * A processing or delivery loop, pipelined so that neither this thread nor the store waits on
   * the other: batches are worked while earlier batches' settlements commit (a few at most are
   * in flight), and leases from the store are asked for ahead, taken when they have arrived.
   * Handed-off work comes first; the store is asked every round for at least a quarter of a
   * batch, so work waiting there (retries, woken waits, expired leases, events beyond the
   * handoff) is never starved by a steady stream of handed work.
   */
  async function loop<T extends { id: number; attempt: number }, S>(
    handed: Waiting<T>[],
    claim: (limit: number) => Promise<Waiting<T>[]>,
    work: (batch: readonly T[]) => Promise<S>,
    settle: (s: S, batch: readonly T[]) => Promise<void>,
    set: (wake: (() => void) | undefined) => void,
  ): Promise<void> {
    const claimed: Waiting<T>[] = [];
    let claiming: Promise<void> | undefined;
    const settling = new Set<Promise<void>>();
    while (running) {
      const batch = takeFresh(handed, batchSize);
      if ((handed as readonly unknown[]) === handedEvents && batch.length > 0) roomFreed();
      batch.push(...takeFresh(claimed, batchSize - batch.length));
      if (claiming === undefined && claimed.length === 0) {
        claiming = claim(claimLimit(batch.length))
          .then((rows) => {
            claimed.push(...rows);
          }, report)
          .finally(() => {
            claiming = undefined;
          });
      }
      if (batch.length === 0) {
        // Nothing here: wait for the lease asked for, then for a wake-up or the idle interval.
        if (claiming !== undefined) await claiming;
        if (claimed.length === 0 && handed.length === 0 && running) await idle(set);
        continue;
      }
      try {
        const settlements = await work(batch);
        while (settling.size >= SETTLEMENTS_IN_FLIGHT) await Promise.race(settling);
        const settled: Promise<void> = settle(settlements, batch)
          .catch(report)
          .finally(() => {
            keeper.release(batch);
            settling.delete(settled);
          });
        settling.add(settled);
      } catch (error) {
        // Not settled: the leases run out and the work is leased again.
        keeper.release(batch);
        report(error);
      }
    }
    await Promise.all(settling);
    await claiming;
  }

  /**
   * Offers payloads to every route their source triggers (inside the intake span): without a trace
   * of their own, a single payload's event joins the intake span's trace.
   */
  async function offer(source: EventSource, payloads: readonly unknown[], offerOptions: OfferOptions, span: Span): Promise<OfferResult> {
    const routes = "canonical" in source ? (canonicalRoutes.get(source.canonical) ?? []) : (eventRoutes.get(`${source.system}.${source.event}`) ?? []);
    const label = "canonical" in source ? `canonical:${source.canonical}` : `${source.system}.${source.event}`;
    const incoming: IncomingEvent[] = [];
    const refused: OfferResult["refused"] = [];
    for (const payload of payloads) {
      const traceId = offerOptions.traceId ?? (payloads.length === 1 ? spanTraceId(span) : undefined) ?? newId();
      // Serialised once here, for every route it triggers, rather than by the store.
      const serialized = { json: JSON.stringify(payload ?? null), hash: payloadHash(payload) };
      for (const route of routes) {
        const key = route.idempotencyKey.length === 0 ? serialized.hash : keyOf(payload, route.idempotencyKey);
        if (key === undefined) {
          refused.push({ route: route.route, reason: `the payload lacks the idempotency key field(s) ${route.idempotencyKey.join(", ")}` });
          continue;
        }
        const ordering = route.orderingKey === undefined ? undefined : keyOf(payload, route.orderingKey);
        const exceptions = route.policies.exceptions;
        incoming.push({
          route: route.route,
          key,
          // The store reads the serialised payload: the value itself does not cross to it.
          payload: undefined,
          serialized,
          source: label,
          traceId,
          ...(ordering !== undefined ? { orderingKey: `${route.route}|${ordering}` } : {}),
          ...(exceptions !== undefined ? { exceptions: { queue: exceptions.queue, owner: exceptions.owner } } : {}),
        });
      }
    }
    if (incoming.length === 0) {
      observer.offered([], [], refused, span);
      return { outcomes: [], refused };
    }
    const room = await intakeRoom(incoming.length);
    const now = clock.now();
    let outcomes: AcceptOutcome[];
    try {
      outcomes = await store.accept(incoming, now, room.handoff);
    } catch (error) {
      room.done();
      throw error;
    }
    outcomes.forEach((outcome, i) => {
      const event = incoming[i];
      if (outcome.status !== "accepted" || outcome.leased !== true || event === undefined) return;
      const item: ClaimedEvent = {
        id: outcome.eventId,
        route: event.route,
        key: event.key,
        // As the store keeps it: what a lease from the store would hand back.
        payload: JSON.parse(event.serialized?.json ?? "null") as unknown,
        orderingKey: event.orderingKey ?? null,
        source: event.source,
        traceId: event.traceId,
        receivedAt: now,
        attempt: 1,
        revision: 0,
        waitUntil: null,
        free: outcome.free === true,
      };
      handedEvents.push(keeper.hold("event", item, now + leaseMs));
    });
    room.done();
    wakeEvents();
    observer.offered(incoming.map((e) => e.route), outcomes, refused, span);
    return { outcomes, refused };
  }

  return {
    store,
    worker,
    systems,
    transport: deliveryContext.transport,
    redactor,
    leases: () => keeper.counts(),
    offer(source, payloads, offerOptions = {}) {
      const label = "canonical" in source ? `canonical:${source.canonical}` : `${source.system}.${source.event}`;
      return observer.intake(label, offerOptions.traceparent, (span) => offer(source, payloads, offerOptions, span));
    },
    async step() {
      return (await processBatch()) + (await deliverBatch());
    },
    async drain(maxRounds = 10_000) {
      for (let i = 0; i < maxRounds; i++) {
        if ((await processBatch()) + (await deliverBatch()) === 0) return;
      }
    },
    start() {
      if (running) return;
      running = true;
      stopped = false;
      loops.push(
        loop(handedEvents, claimEvents, processEvents, settleEvents, (wake) => {
          eventSignal = wake;
        }),
        loop(handedDeliveries, claimDeliveries, sendDeliveries, settleDeliveries, (wake) => {
          deliverySignal = wake;
        }),
      );
    },
    async stop() {
      running = false;
      stopped = true;
      wakeAll();
      eventSignal?.();
      deliverySignal?.();
      await Promise.all(loops.splice(0));
      // Handed-off work is leased to this worker: giving the leases back returns it to the store.
      handedEvents.length = 0;
      handedDeliveries.length = 0;
      keeper.clear();
      try {
        await store.releaseLeases(worker, clock.now());
      } catch (error) {
        // Not fatal: a lease that is not given back expires, and another worker takes the work.
        report(`leases will expire instead of being given back: ${error instanceof Error ? error.message : String(error)}`);
      }
    },
  };
}
