/**
 * `createRuntime`: hosts compiled pipelines over a store. Intake offers events to the inbox (and
 * answers only once they are durable); the events loop leases events, runs their pipelines and
 * commits the resulting deliveries to the outbox; the deliveries loop leases deliveries and calls
 * the targets under each system's policies. This module only composes the parts in engine/: the
 * work queue that owns the handoff (where the free-event protocol is explained), intake, the two
 * sides and their loops. Time, timers, ids, randomness and the logger are injected.
 */
import { assertCompiledBy } from "./compatibility.ts";
import { fetchTransport } from "./delivery/transport.ts";
import type { EngineContext, Wakes } from "./engine/context.ts";
import { noWork, routeTables } from "./engine/context.ts";
import { createIntakeLine } from "./engine/intake-line.ts";
import { routeSchedules } from "./engine/schedules.ts";
import { intake } from "./engine/intake.ts";
import { idler, leaseFrom, loop, round, type Side } from "./engine/loops.ts";
import type { Runtime, RuntimeOptions } from "./engine/options.ts";
import { eventWork, type RoutedBatch } from "./engine/route-events.ts";
import { deliveryWork } from "./engine/send-deliveries.ts";
import { buildSystems } from "./engine/systems.ts";
import { POLL_MS, wakeWhenDue, watchStore } from "./engine/wake-ups.ts";
import { createWorkQueue } from "./engine/work-queue.ts";
import { ConfigurationError } from "./errors.ts";
import { type Clock, defaultWorkerName, processEnv, sleepOn, systemClock, systemTimers, writeStderr } from "./host.ts";
import { timeOrderedId } from "./ids.ts";
import { createLeaseKeeper, type LeaseKeeper } from "./lease-keeper.ts";
import type { SystemRuntime } from "./delivery/deliver.ts";
import type { WorkQueue } from "./engine/work-queue.ts";
import { createObserver } from "./observe/observer.ts";
import { createRuntimeMetrics, type RuntimeGaugeSources } from "./observe/runtime-metrics.ts";
import { jsonLogger, type Logger } from "./logger.ts";
import { createRedactor, type Redactor } from "./redact.ts";
import type { ClaimedDelivery, ClaimedEvent, DeliverySettlement } from "./store/store.ts";

export type { Clock };
export type { EventSource, OfferOptions, OfferResult } from "./engine/intake.ts";
export type { WorkCounts } from "./engine/context.ts";
export type { Runtime, RuntimeOptions } from "./engine/options.ts";

/**
 * Batches of handed-off work that may wait in memory for each loop. One left the store to lease
 * much of the work under load; more than two gained nothing. A worker sharing its backlog counts the
 * work its loops have started against them too: what it cannot start soon, another worker leases.
 */
const HANDOFF_BATCHES = 2;

/** How long an offer waits by default, while the loops run, for room among the events waiting in memory (see intake-line.ts). */
export const INTAKE_WAIT_MS = 1_000;

/** Creates a runtime; resolves every credential now, so a missing one fails at start-up. */
export function createRuntime(options: RuntimeOptions): Runtime {
  assertCompiledBy(options.compiled.compilerVersion);
  const sharing = options.shareWork ?? options.store.engine === "postgres";
  const cx = engineContext(options, sharing);
  const intakeWaitMs = options.intakeWaitMs ?? (sharing ? 0 : INTAKE_WAIT_MS);
  if (!Number.isFinite(intakeWaitMs) || intakeWaitMs < 0) throw new ConfigurationError(`intakeWaitMs must be a number of milliseconds, 0 or more, not ${intakeWaitMs}`);
  let running = false;
  const line = createIntakeLine({ events: cx.queue.events, capacity: cx.queue.capacity, waitMs: intakeWaitMs, timers: cx.timers, running: () => running });
  const events: Side<ClaimedEvent, RoutedBatch> = {
    handed: cx.queue.events,
    claim: leaseFrom(cx, "event", (request) => cx.store.claimEvents(request)),
    ...eventWork(cx),
    took: line.freed,
  };
  const deliveries: Side<ClaimedDelivery, DeliverySettlement[]> = {
    handed: cx.queue.deliveries,
    claim: leaseFrom(cx, "delivery", async (request) => {
      const leased = await cx.store.claimDeliveries(request);
      cx.keeper.claimed(leased);
      return leased;
    }),
    ...deliveryWork(cx),
  };
  const idleMs = options.idleMs ?? 50;
  // A store that wakes idle loops when work is ready leaves the poll only as a safety net.
  const waitMs = cx.store.watchWork === undefined ? idleMs : Math.max(idleMs, options.pollMs ?? POLL_MS);
  const idle = { events: idler(cx, waitMs), deliveries: idler(cx, waitMs) };
  cx.wake.events = () => void idle.events.wake();
  cx.wake.deliveries = () => void idle.deliveries.wake();
  if (waitMs > idleMs) cx.wake.deliveriesAt = wakeWhenDue(cx, cx.wake.deliveries);
  let unwatch: () => void = () => undefined;
  const loops: Promise<void>[] = [];
  const offer = intake(cx, line, options.newId ?? (() => timeOrderedId(cx.clock.now())));
  const schedules = routeSchedules(cx, offer);
  return {
    store: cx.store,
    worker: cx.worker,
    systems: cx.delivery.systems,
    transport: cx.delivery.transport,
    redactor: cx.redactor,
    logger: cx.logger,
    timers: cx.timers,
    leases: () => cx.keeper.counts(),
    work: () => ({ ...cx.counts }),
    offer,
    schedules,
    step: async () => (await round(cx, events)) + (await round(cx, deliveries)),
    async drain(maxRounds = 10_000) {
      for (let i = 0; i < maxRounds; i++) if ((await round(cx, events)) + (await round(cx, deliveries)) === 0) return;
    },
    start() {
      if (running) return;
      running = true;
      cx.queue.open();
      unwatch = watchStore(cx, idle);
      loops.push(loop(cx, events, idle.events, () => running), loop(cx, deliveries, idle.deliveries, () => running));
      schedules.start();
    },
    async stop() {
      running = false;
      unwatch();
      schedules.stop();
      // A stopped worker takes no leases: they would wait out their length before another worker's turn.
      cx.queue.close();
      line.wakeAll();
      idle.events.wake();
      idle.deliveries.wake();
      await Promise.all(loops.splice(0));
      await giveBack(cx);
    },
  };
}

/** Handed-off work is leased to this worker: giving the leases back returns it to the store. */
async function giveBack(cx: EngineContext): Promise<void> {
  cx.queue.clear();
  cx.keeper.clear();
  try {
    await cx.store.releaseLeases(cx.worker, cx.clock.now());
  } catch (error) {
    // Not fatal: a lease that is not given back expires, and another worker takes the work.
    cx.report(`leases will expire instead of being given back: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** The settings resolved and the parts every side shares. */
function engineContext(options: RuntimeOptions, sharing: boolean): EngineContext {
  const { compiled, store } = options;
  const clock = options.clock ?? systemClock;
  const timers = options.timers ?? systemTimers;
  const worker = options.worker ?? defaultWorkerName();
  const batchSize = options.batchSize ?? 256;
  // Renewed while the work is in memory (lease-keeper.ts): its length is how long a dead worker's work waits.
  const leaseMs = options.leaseMs ?? 60_000;
  const redactor = options.redactor ?? createRedactor();
  const logger = options.logger ?? jsonLogger({ write: (line) => writeStderr(redactor.text(line)), now: () => clock.now() });
  const report = reporter(logger, redactor, worker);
  const keeper = createLeaseKeeper({ store, worker, leaseMs, now: () => clock.now(), logger, timers });
  const routes = routeTables(compiled);
  const queue = createWorkQueue({ worker, leaseMs, capacity: HANDOFF_BATCHES * batchSize,
    countStarted: sharing, targets: routes.targets, keeper, now: () => clock.now() });
  const systems = buildSystems({
    compiled,
    store,
    worker,
    leaseMs,
    clock,
    timers,
    redactor,
    env: options.env ?? processEnv(),
    secrets: options.secrets,
    sharedQuotas: options.sharedQuotas !== false,
    fetchToken: options.fetchToken,
    report,
  });
  const delivery = {
    systems,
    pipelines: routes.pipelines,
    canonicalRoutes: routes.canonicalRoutes,
    transport: options.transport ?? fetchTransport(),
    now: () => clock.now(),
    random: options.random ?? Math.random,
    sleep: options.sleep ?? sleepOn(timers),
    worker,
    redact: redactor.text,
  };
  const wake: Wakes = { events: () => undefined, deliveries: () => undefined, deliveriesAt: () => undefined };
  const observer = createObserver({
    logger,
    clock,
    worker,
    metrics: options.metrics === undefined ? undefined : createRuntimeMetrics(options.metrics, gaugeSources(systems, queue, keeper, clock)),
    ...(options.waitLogMs === undefined ? {} : { waitLogMs: options.waitLogMs }),
  });
  return { compiled, store, worker, batchSize, leaseMs, clock, timers, logger, redactor, routes, keeper, queue, delivery, wake, sharing, counts: noWork(), report, observer };
}

/** What the scrape-time gauges read: the work waiting in memory, each system's breaker, this worker's leases. */
function gaugeSources(systems: ReadonlyMap<string, SystemRuntime>, queue: WorkQueue, keeper: LeaseKeeper, clock: Clock): RuntimeGaugeSources {
  return {
    queues: () => ({ events: queue.events.waiting.length, deliveries: queue.deliveries.waiting.length }),
    breakers: () => [...systems].map(([system, s]) => ({ system, state: s.breaker.state(clock.now()) })),
    leases: () => keeper.counts(),
  };
}

/** Logs a loop's failed call as an error, with the credentials the runtime knows scrubbed from it. */
function reporter(logger: Logger, redactor: Redactor, worker: string): (error: unknown) => void {
  return (error) => {
    logger.error(redactor.text(`the runtime's call failed: ${error instanceof Error ? error.message : String(error)}`), { event: "runtime.failed", worker });
  };
}
