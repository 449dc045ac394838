/**
 * The store contract: everything the runtime keeps durably, behind one interface that SQLite and
 * PostgreSQL both implement and one contract test suite checks (test/runtime/store-contract.ts).
 *
 * Work moves through two tables. An accepted event waits in the inbox until a worker leases it,
 * runs its pipeline and settles it (routed with its deliveries, waiting for a dependency, an
 * exception, or skipped). Each delivery waits in the outbox until a worker leases it, calls the
 * target and settles it (delivered, retry later, dead letter, exception). A lease carries a fencing
 * token, the attempt number: a worker whose lease expired can no longer settle a newer attempt.
 * A worker renews the leases of the work it has in hand (`renewLeases`); a delivery's lease that
 * ran out is taken over by the next lease, which does not count it as an attempt, and until then
 * the attempt that held it may still settle it. Events and deliveries that share an ordering key
 * are leased one at a time, in order.
 */

import type { KeptRecord, StateStore } from "./state-store.ts";

/** A record a routed event keeps: the route and trace are the event's. */
export type RecordToKeep = Pick<KeptRecord, "entity" | "key" | "version" | "value">;

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
  /**
   * The delivery was made as its event was routed, as attempt 1: its row is written settled (or
   * leased and settled, in the same transaction) instead of waiting in the outbox.
   */
  attempted?: DeliveryOutcome & { now: number };
}

/** A dependency an event waits for: `entity` known to `system` under the source id `key`. */
export interface Dependency {
  entity: string;
  system: string;
  key: string;
}

/** Where an exception or dead letter is filed. */
export interface IssueTarget {
  queue: string;
  owner: string;
  reason: string;
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
  | { outcome: "exception"; issue: IssueTarget }
  | { outcome: "skipped"; reason: string }
  | { outcome: "release"; availableAt: number }
);

/** A delivery leased to a worker. */
export interface ClaimedDelivery {
  id: number;
  eventId: number;
  route: string;
  step: string;
  system: string;
  operation: string;
  idempotencyKey: string;
  body: unknown;
  /**
   * The body as JSON, when the worker has it already: sent as it is by an operation that sends the
   * body unchanged (`sendsBodyAsIs`), for which `body` is then not read.
   */
  bodyJson?: string;
  /** Path parameter values, when the route resolved any. */
  params: Readonly<Record<string, string>> | null;
  traceId: string;
  /** The lease's fencing token: its settlement must present it. One more with every lease. */
  attempt: number;
  /**
   * The attempts that count against the retry policy, this one included: `attempt` less the leases
   * that ended without their attempt settling. A lease taken over once it ran out (its worker died,
   * stalled, or could not renew it) or given back unattempted is not an attempt the target refused.
   */
  tries: number;
  /** Set when this lease took the delivery over from a worker whose lease ran out before it settled: that worker. */
  takenOverFrom?: string;
  xref: { entity: string; fromSystem: string; fromId: string } | null;
}

/**
 * How a worker finished with a leased delivery. It holds while no later lease was taken: also once
 * the lease ran out, if no other worker leased the delivery since.
 */
export type DeliverySettlement = { deliveryId: number; attempt: number; worker: string; now: number } & DeliveryOutcome;

/** Work whose leases a worker renews: each by its id and fencing token. */
export interface LeaseRenewal {
  worker: string;
  now: number;
  /** The new leases end at `now + leaseMs`. */
  leaseMs: number;
  events: readonly { id: number; attempt: number }[];
  deliveries: readonly { id: number; attempt: number }[];
}

/** The ids whose leases were renewed; the others are no longer the worker's (or were busy settling). */
export interface RenewedLeases {
  events: number[];
  deliveries: number[];
}

/** What an attempt at a delivery came to. */
export type DeliveryOutcome =
  | { outcome: "delivered"; targetId?: string; status: number }
  | {
      outcome: "retry";
      availableAt: number;
      error: string;
      /** True when no call was made (the breaker was open): the attempt is not counted. */
      refund?: boolean;
    }
  | { outcome: "dead"; issue: IssueTarget }
  | { outcome: "exception"; issue: IssueTarget };

/** The reconciliation gap an issue stands for. */
export interface GapRef {
  reconciliation: string;
  /** The gap's key (`projectId=P-7@2026-03`): stable across runs, its identity. */
  key: string;
  /** When the gap closed by itself (the systems agree again); null while it persists. */
  closedAt: number | null;
}

/**
 * An entry of a dead-letter queue or an exception queue. Most are tied to an event (and, for a
 * failed delivery, to the delivery); an exception opened for a reconciliation gap is tied to no
 * event: `eventId` is null and `gap` names the reconciliation and the gap's key.
 */
export interface Issue {
  id: number;
  kind: "dead-letter" | "exception";
  queue: string;
  owner: string;
  /** The route whose event it holds; `reconciliation:<name>` for a gap. */
  route: string;
  eventId: number | null;
  deliveryId: number | null;
  /** What it is about: `event:<id>`, `delivery:<id>`, or `reconciliation:<name>:<key>` for a gap. */
  subject: string;
  gap: GapRef | null;
  reason: string;
  attempts: number;
  payload: unknown;
  createdAt: number;
  /** `closed`: a reconciliation gap that closed by itself while its exception was open. */
  status: "open" | "retried" | "replayed" | "skipped" | "closed";
  resolvedBy: string | null;
  resolution: string | null;
}

/** Which issues to list. */
export interface IssueFilter {
  kind?: Issue["kind"];
  queue?: string;
  status?: Issue["status"];
}

/** An exception to open for a reconciliation gap. */
export interface NewGapIssue {
  reconciliation: string;
  key: string;
  /** The Reconciliation spec's `onMismatch` queue and owning team, and a sentence for people. */
  queue: string;
  owner: string;
  reason: string;
  /** The differing values: each side's total and the records behind it. */
  payload: unknown;
  now: number;
  /** Who opens it, for the audit log (`reconciler` unless set). */
  actor?: string;
}

/** What `openGap` did: opened a new exception, or found the one the gap already has. */
export interface GapOpened {
  issue: Issue;
  opened: boolean;
}

/** A gap that closed by itself. */
export interface GapClosure {
  reconciliation: string;
  key: string;
  now: number;
  actor?: string;
}

/** A person's action on an issue; `who` and `why` go to the audit log. */
export type IssueAction = { issueId: number; who: string; why: string; now: number } & (
  | { action: "retry" }
  | { action: "edit"; payload: unknown }
  | { action: "skip" }
);

/** One row of the append-only audit log. */
export interface AuditEntry {
  seq: number;
  at: number;
  actor: string;
  action: string;
  subject: string;
  traceId: string | null;
  detail: unknown;
  prevHash: string;
  hash: string;
}

/** The result of checking the audit chain. */
export type AuditVerification =
  | { ok: true; rows: number }
  | { ok: false; rows: number; seq: number; problem: string };

/** Replays a route's stored events received in [from, to). */
export interface ReplayRequest {
  route: string;
  from: number;
  to: number;
  who: string;
  why: string;
  now: number;
}

/** Tokens asked of a system's quota, which every worker of the store shares. */
export interface QuotaRequest {
  system: string;
  want: number;
  now: number;
  requestsPerMinute: number;
  /** Tokens the bucket holds at most (it starts full). */
  burst: number;
}

/**
 * Slots of a system's concurrency cap, which every worker of the store shares: how many calls may
 * be in flight to the system at once, whichever worker makes them.
 */
export interface SlotRequest {
  system: string;
  /** The worker asking; its slots are its own until it gives them back or its hold expires. */
  holder: string;
  want: number;
  /**
   * The slots the holder holds already, as it counts them: they replace what the store had for it,
   * so a worker restarted under the same name does not inherit its former self's slots.
   */
  holding: number;
  /** The system's cap: slots held by every holder together never exceed it. */
  limit: number;
  now: number;
  /** How long the holder's slots stay its own unless it asks again (a worker that died frees them). */
  holdMs: number;
}

/** Slots given back to the shared cap. */
export interface SlotReturn {
  system: string;
  holder: string;
  count: number;
  now: number;
}

/** Counts of events and deliveries by status. */
export interface StoreCounts {
  events: Readonly<Record<string, number>>;
  deliveries: Readonly<Record<string, number>>;
  issues: Readonly<Record<string, number>>;
}

/** The durable state of the runtime. Every method is one transaction. */
export interface Store extends StateStore {
  readonly engine: "sqlite" | "postgres";
  /** Adds events to the inbox; resolves once they are durable. Concurrent calls commit together. */
  accept(events: readonly IncomingEvent[], now: number, handoff?: Handoff): Promise<AcceptOutcome[]>;
  /** Leases ready events, at most one per ordering key, oldest first. */
  claimEvents(claim: Claim): Promise<ClaimedEvent[]>;
  /** Settles leased events; a settlement does not hold when its fencing token was stale. */
  settleEvents(settlements: readonly EventSettlement[], handoff?: Handoff): Promise<SettledEvents>;
  /** Leases ready deliveries, at most one per ordering key and system, oldest first. */
  claimDeliveries(claim: Claim): Promise<ClaimedDelivery[]>;
  /** Settles leased deliveries; each result is false when the fencing token was stale. */
  settleDeliveries(settlements: readonly DeliverySettlement[]): Promise<boolean[]>;
  /**
   * Extends the leases the worker still holds under the tokens given, so that work in hand (a call to
   * a slow target) keeps its lease past `leaseMs`. A lease another worker took over is not renewed.
   */
  renewLeases(renewal: LeaseRenewal): Promise<RenewedLeases>;
  /** Gives back every lease a worker holds (graceful shutdown). */
  releaseLeases(worker: string, now: number): Promise<number>;
  /** The id `toSystem` uses for a record `fromSystem` (or any system, when omitted) knows as `fromId`. */
  findXref(entity: string, toSystem: string, fromId: string, fromSystem?: string): Promise<string | undefined>;
  /** Records a cross-reference and wakes the events waiting for it. */
  putXref(entity: string, fromSystem: string, fromId: string, toSystem: string, toId: string, now: number): Promise<void>;
  /** Reference data (rate cards and the like) by entity and key. */
  referenceData(entity: string, key: string): Promise<unknown>;
  putReferenceData(entity: string, key: string, value: unknown): Promise<void>;
  /**
   * Takes up to `want` tokens from the system's shared bucket, refilled at its quota's rate;
   * returns how many it took (0 when the quota is used up). Workers sharing a database share it.
   */
  takeQuota(request: QuotaRequest): Promise<number>;
  /**
   * Takes up to `want` slots of the system's concurrency cap for the holder; returns how many it
   * took (0 when the other holders have them all). Holds that expired are freed first, and the
   * holder's own hold is renewed.
   */
  takeSlots(request: SlotRequest): Promise<number>;
  /** Gives slots back to the system's concurrency cap. */
  returnSlots(request: SlotReturn): Promise<void>;
  /** A polling source's durable cursor. */
  cursor(name: string): Promise<string | undefined>;
  setCursor(name: string, value: string): Promise<void>;
  /**
   * The payload hashes intake first took messages with, by the sender's message id (CloudEvents
   * `source` and `id`), for those of `ids` it has recorded under `scope` (the system event).
   */
  messageHashes(scope: string, ids: readonly string[]): Promise<{ id: string; hash: string }[]>;
  /** Records message ids with their payload hashes once they are durable; an id already recorded keeps its first hash. */
  recordMessages(scope: string, messages: readonly { id: string; hash: string }[], now: number): Promise<void>;
  listIssues(filter?: IssueFilter): Promise<Issue[]>;
  issue(id: number): Promise<Issue | undefined>;
  /**
   * Applies a person's action to an open issue; throws IssueStateError when it is not open, and
   * for a retry or an edit of a reconciliation gap (there is no event to send again: a gap closes
   * by itself once the systems agree, or is skipped with a reason).
   */
  resolveIssue(action: IssueAction): Promise<Issue>;
  /**
   * Opens an exception for a reconciliation gap, tied to no event, audited. A gap has one exception
   * until it closes: while its exception is open or skipped, opening it again returns that one.
   */
  openGap(gap: NewGapIssue): Promise<GapOpened>;
  /**
   * Records that a gap closed by itself: its open exception becomes `closed`, audited; a skipped
   * one stays skipped. Afterwards the same key opens a new exception. Undefined when the gap had none.
   */
  closeGap(closure: GapClosure): Promise<Issue | undefined>;
  /** The exceptions of gaps that have not closed (open or skipped), of one reconciliation or all, oldest first. */
  currentGaps(reconciliation?: string): Promise<Issue[]>;
  /** Sets a route's stored events in a time range back to pending; returns how many. */
  replay(request: ReplayRequest): Promise<number>;
  /** The names of the routes that have events in the store, sorted (what `spec replay` can replay). */
  routes(): Promise<string[]>;
  /**
   * The audit log, oldest first, optionally only one trace: the first `limit` rows (1,000 unless
   * set), or with `newest` the last `limit` rows, still oldest first.
   */
  auditTrail(options?: { traceId?: string; limit?: number; newest?: boolean }): Promise<AuditEntry[]>;
  /** The trace id an event carries, or undefined when there is no such event. */
  eventTrace(eventId: number): Promise<string | undefined>;
  /** Recomputes the hash chain; reports the first row that was edited, inserted or deleted. */
  verifyAudit(): Promise<AuditVerification>;
  counts(): Promise<StoreCounts>;
  /**
   * Whether the store answers now, and how often its connections were lost and calls retried; a
   * store without connections to lose (SQLite) leaves it out and is always ready.
   */
  health?(): StoreHealth;
  close(): Promise<void>;
}

/** A store's connection health, for readiness checks and metrics. */
export interface StoreHealth {
  /** False from a lost connection or a failed call until a call succeeds again. */
  ready: boolean;
  /** Why it is not ready: the last connection error. */
  reason?: string;
  /** Since when it is not ready (milliseconds since the epoch). */
  notReadySince?: number;
  /** Connections lost, idle or in use. */
  connectionLosses: number;
  /** Store calls run again after a connection failure. */
  retries: number;
  /** Times the store became ready again after it was not. */
  reconnects: number;
}
