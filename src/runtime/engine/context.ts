/**
 * What the engine's parts share: the settings resolved once, the spec set's route tables, the
 * store, the lease keeper and the work queue. Each part (intake, the events side, the deliveries
 * side, the loops) receives this and owns nothing of another's.
 */
import type { DeliveryContext } from "../delivery/deliver.ts";
import type { Clock, Timers } from "../host.ts";
import type { LeaseKeeper } from "../lease-keeper.ts";
import type { Logger } from "../logger.ts";
import type { CompiledSpecSet, OperationDefinition, PipelineDefinition } from "../pipeline.ts";
import { routeTargets, xrefsNeeded } from "../process-event.ts";
import type { Redactor } from "../redact.ts";
import type { RouteTargets, Store } from "../store/store.ts";
import type { RuntimeObserver } from "../observe/observer.ts";
import type { WorkQueue } from "./work-queue.ts";

/** The spec set's routes, indexed as the engine looks them up. */
export interface RouteTables {
  pipelines: ReadonlyMap<string, PipelineDefinition>;
  /** Routes triggered by each canonical event. */
  canonicalRoutes: ReadonlyMap<string, readonly PipelineDefinition[]>;
  /** Routes triggered by each system event, by `system.event`. */
  eventRoutes: ReadonlyMap<string, readonly PipelineDefinition[]>;
  /** Per route, the systems its deliver steps call. */
  targets: RouteTargets;
  /** `entity\0system` pairs some route waits for or looks up. */
  xrefNeeded: ReadonlySet<string>;
  operation(system: string, operation: string): OperationDefinition | undefined;
}

/** Indexes the spec set's routes. */
export function routeTables(compiled: CompiledSpecSet): RouteTables {
  const canonicalRoutes = new Map<string, PipelineDefinition[]>();
  const eventRoutes = new Map<string, PipelineDefinition[]>();
  for (const p of compiled.pipelines) {
    if (p.trigger.kind === "schedule") continue;
    const [table, key] = p.trigger.kind === "canonical" ? [canonicalRoutes, p.trigger.event] : [eventRoutes, `${p.trigger.system}.${p.trigger.event}`];
    table.set(key, [...(table.get(key) ?? []), p]);
  }
  return {
    pipelines: new Map(compiled.pipelines.map((p) => [p.route, p])),
    canonicalRoutes,
    eventRoutes,
    targets: routeTargets(compiled.pipelines),
    xrefNeeded: xrefsNeeded(compiled.pipelines),
    operation: (system, operation) => compiled.systems[system]?.operations[operation],
  };
}

/** Wakes an idle loop: work for it was just written or handed off. */
export interface Wakes {
  events(): void;
  deliveries(): void;
  /** Wakes the deliveries loop at `dueAt` (a retry this worker settled), when its poll is slower than that. */
  deliveriesAt(dueAt: number): void;
}

/** The work a worker did since it was created: what its operator and the benchmark watch. */
export interface WorkCounts {
  /** Events it accepted into the store (new ones, not duplicates). */
  accepted: number;
  /** Of those, the events the store leased to it as it accepted them (kept in memory for its loop). */
  kept: number;
  /** Of those, the events left in the store for any worker to lease: its backlog, shared. */
  left: number;
  /** Events it settled (routed, waiting, exception, skipped), whichever worker accepted them. */
  eventsSettled: number;
  /** Deliveries it settled, made as their events were routed or leased from the outbox. */
  deliveriesSettled: number;
  /** Times the store woke one of its idle loops with work another transaction made ready (PostgreSQL). */
  wokenUp: number;
}

/** A fresh count. */
export const noWork = (): WorkCounts => ({ accepted: 0, kept: 0, left: 0, eventsSettled: 0, deliveriesSettled: 0, wokenUp: 0 });

/** What every part of the engine shares. */
export interface EngineContext {
  compiled: CompiledSpecSet;
  store: Store;
  worker: string;
  batchSize: number;
  leaseMs: number;
  clock: Clock;
  timers: Timers;
  logger: Logger;
  redactor: Redactor;
  routes: RouteTables;
  keeper: LeaseKeeper;
  queue: WorkQueue;
  delivery: DeliveryContext;
  wake: Wakes;
  /** Whether this worker shares its backlog with the other workers of the store (`RuntimeOptions.shareWork`). */
  sharing: boolean;
  /** What this worker did, counted as it does it. */
  counts: WorkCounts;
  /** Logs, counts and traces intake, processing and each delivery attempt (observe/observer.ts). */
  observer: RuntimeObserver;
  /**
   * A loop's call that failed (a lease, a settlement, a shared quota): logged as an error, with
   * the credentials the runtime knows scrubbed from it. The work is not lost: its lease runs out
   * and it is leased again.
   */
  report(error: unknown): void;
}
