/**
 * The inbox role: accepted events wait here until a worker leases one, runs its pipeline and
 * settles it (routed with its deliveries, waiting for a dependency, an exception, or skipped). A
 * lease carries a fencing token, the attempt number: a worker whose lease expired can no longer
 * settle a newer attempt. Events that share an ordering key are leased one at a time, in order.
 */
import type { RecordVersion, Withdrawal } from "./postings.ts";

/**
 * The versioned record a delivery posts, as the outbox keeps it: its identity and version; what
 * to keep as posted when it is not the request body (an adjustment keeps the whole new posting
 * it stands for); that it takes back what was posted (a reversal); the correction it is.
 */
export interface DeliveredRecord {
  identity: string;
  version: RecordVersion;
  body?: unknown;
  withdrawn?: Withdrawal;
  correction?: string;
}
import type { DeliveryOutcome } from "./outbox.ts";
import type { ReplayOutcome, ReplayRequest } from "./replay.ts";
import type { IssueTarget } from "./issues.ts";
import type { RecordToKeep } from "./state.ts";

/** An event offered to the inbox for one route. */
export interface IncomingEvent {
  route: string;
  /** The route's idempotency key values, joined: one business event. */
  key: string;
  payload: unknown;
  /** The route's ordering key values, joined, when the route declares one. */
  orderingKey?: string;
  /** Where it came from: `psa.timeApproved`, `canonical:project-created`, `file:<path>`. */
  source: string;
  traceId: string;
  /** The exception queue a conflicting duplicate goes to. */
  exceptions?: { queue: string; owner: string };
  /**
   * The payload already serialised by the caller: its JSON and the hash of its canonical JSON.
   * When present the store uses it instead of `payload`, which may then be left out.
   */
  serialized?: { json: string; hash: string };
}

/** What the inbox did with an offered event. */
export type AcceptOutcome =
  /**
   * `leased`: the event was leased to the handoff's worker as it was accepted (attempt 1); `free`:
   * its deliveries may be made as it is routed (see `ClaimedEvent.free`).
   */
  | { status: "accepted"; eventId: number; leased?: true; free?: true }
  | { status: "duplicate"; eventId: number }
  | { status: "conflict"; eventId: number; issueId: number };

/** A lease request. */
export interface Claim {
  worker: string;
  limit: number;
  now: number;
  leaseMs: number;
  /** Per route, the systems its deliveries go to: with it, leased events say whether they are `free`. */
  targets?: RouteTargets;
}

/** Per route, the systems its deliver steps call. */
export type RouteTargets = Readonly<Record<string, readonly string[]>>;

/**
 * Work leased to the worker that produced it, in the same transaction: accepted events to the
 * worker that accepted them, routed deliveries to the worker that routed them. It spares the
 * worker a lease query and its row writes. At most `limit` rows are leased, and never one whose
 * ordering key has earlier open work: that one waits for its turn as usual.
 */
export interface Handoff {
  worker: string;
  leaseMs: number;
  limit: number;
  /** As in `Claim`: events leased by handoff say whether they are `free`. */
  targets?: RouteTargets;
}

/** A delivery leased by handoff when its event was routed. */
export interface LeasedDelivery {
  eventId: number;
  step: string;
  deliveryId: number;
}

/** The result of settling events: whether each settlement held, and the deliveries handed off. */
export interface SettledEvents {
  settled: boolean[];
  leased: LeasedDelivery[];
}

/** An event leased to a worker. `attempt` is the fencing token its settlement must present. */
export interface ClaimedEvent {
  id: number;
  route: string;
  key: string;
  payload: unknown;
  orderingKey: string | null;
  source: string;
  traceId: string;
  receivedAt: number;
  attempt: number;
  /** Incremented by each edit-and-replay, so the edited event's deliveries carry new idempotency keys. */
  revision: number;
  /** Set when the event waited for a dependency before: the time the wait ends. */
  waitUntil: number | null;
  /**
   * No delivery of an earlier event under this event's ordering key is open at any of its route's
   * targets (it has no ordering key, or everything before it was delivered or filed): the worker
   * may make its deliveries as it routes it and settle them with it (`NewDelivery.attempted`).
   * Set only when the lease request named the routes' targets.
   */
  free?: boolean;
}

/** One delivery to create in the outbox. */
export interface NewDelivery {
  step: string;
  system: string;
  operation: string;
  /** Deterministic from the event's key and the step, so a retry or replay is the same request. */
  idempotencyKey: string;
  body: unknown;
  /** The body already serialised as JSON by the caller; when present `body` may be left out. */
  bodyJson?: string;
  /** Values for the operation's path parameters (`{subscription-id}`), resolved when the event was routed. */
  params?: Readonly<Record<string, string>>;
  /** Recorded as a cross-reference when the delivery succeeds (the target's id for this record). */
  xref?: { entity: string; fromSystem: string; fromId: string };
  /** The versioned record this delivery posts: kept as a posting (roles/postings.ts) once it is delivered. */
  posting?: DeliveredRecord;
  /**
   * The step of another delivery of the same event that must be delivered first (the reversal of
   * what an earlier version posted): until it is, this one is neither leased nor made, and a
   * reversal that failed holds it, so the record is never posted twice.
   */
  after?: string;
  /**
   * The delivery was made as its event was routed, as attempt 1: its row is written settled (or
   * leased and settled, in the same transaction) instead of waiting in the outbox.
   */
  attempted?: DeliveryOutcome & { now: number };
}

/** A versioned record's version that was not posted: older than one posted (stale), or the one posted (duplicate). */
export interface IgnoredVersion {
  standing: "stale" | "duplicate";
  identity: string;
  version: RecordVersion;
  /** The newest version posted to any target. */
  posted: RecordVersion;
}

/** A dependency an event waits for: `entity` known to `system` under the source id `key`. */
export interface Dependency {
  entity: string;
  system: string;
  key: string;
}

/** What a declared rejection waits for: the kept record (entity and key) whose field reaching a value releases it. */
export interface ReleaseCondition {
  entity: string;
  key: string;
  field: string;
  equals: string;
}

/** How a worker finished with a leased event. */
export type EventSettlement = { eventId: number; attempt: number; worker: string; now: number } & (
  | {
      outcome: "routed";
      deliveries: readonly NewDelivery[];
      emits?: readonly IncomingEvent[];
      /** Canonical records the event keeps in the state (a `keep` step), committed with its deliveries. */
      records?: readonly RecordToKeep[];
    }
  | { outcome: "waiting"; dependency: Dependency; until: number }
  | {
      outcome: "exception";
      issue: IssueTarget;
      /** The correction that could not be made (its `$previous` gone, its earlier posting failed): counted, not stored. */
      correction?: { system: string; kind: string };
    }
  /** A declared business rejection (a reject step): the issue carries its reason code and the step. */
  | { outcome: "rejected"; issue: IssueTarget & { code: string; step: string }; release?: ReleaseCondition }
  | { outcome: "skipped"; reason: string; ignoredVersion?: IgnoredVersion }
  | { outcome: "release"; availableAt: number }
);

export type { ReplayItem, ReplayOutcome, ReplayRequest } from "./replay.ts";

/** An event found by its idempotency key: which route it belongs to and the trace it started. */
export interface EventRef {
  eventId: number;
  route: string;
  traceId: string;
}

/** Where events are accepted, leased, settled and replayed. */
export interface InboxStore {
  /** Adds events to the inbox; resolves once they are durable. Concurrent calls commit together. */
  accept(events: readonly IncomingEvent[], now: number, handoff?: Handoff): Promise<AcceptOutcome[]>;
  /** Leases ready events, at most one per ordering key, oldest first. */
  claimEvents(claim: Claim): Promise<ClaimedEvent[]>;
  /** Settles leased events; a settlement does not hold when its fencing token was stale. */
  settleEvents(settlements: readonly EventSettlement[], handoff?: Handoff): Promise<SettledEvents>;
  /**
   * Replays a route's stored events in a time range with regard for what they did (see replay.ts):
   * stopped deliveries sent again, events that stopped routed again, delivered ones left alone
   * unless forced; a dry run changes nothing. Says what it did (or would do) event by event.
   */
  replay(request: ReplayRequest): Promise<ReplayOutcome>;
  /** The names of the routes that have events in the store, sorted (what `spec replay` can replay). */
  routes(): Promise<string[]>;
  /** The trace id an event carries, or undefined when there is no such event. */
  eventTrace(eventId: number): Promise<string | undefined>;
  /** The events stored under an idempotency key (the route's key values, joined), of one route or of every route. */
  eventsByKey(key: string, route?: string): Promise<EventRef[]>;
}
