/**
 * The store contract: everything the runtime keeps durably, behind one interface that SQLite and
 * PostgreSQL both implement and one contract test suite checks (test/runtime/store-contract.ts).
 * It is made of roles, each an interface in roles/ with its types, implemented for SQL in sql/:
 * a new role (its tables and its code) is a file in each, joined to `Store` here.
 *
 * Work moves through two tables. An accepted event waits in the inbox until a worker leases it,
 * runs its pipeline and settles it (routed with its deliveries, waiting for a dependency, an
 * exception, or skipped). Each delivery waits in the outbox until a worker leases it, calls the
 * target and settles it (delivered, retry later, dead letter, exception). A lease carries a fencing
 * token, the attempt number: a worker whose lease expired can no longer settle a newer attempt.
 * A worker renews the leases of the work it has in hand (`renewLeases`); a delivery's lease that
 * ran out is taken over by the next lease, which does not count it as an attempt, and until then
 * the attempt that held it may still settle it. A delivery of a versioned record leaves, once
 * delivered, a posting (roles/postings.ts): what a later version of the record is compared with. Events and deliveries that share an ordering key
 * are leased one at a time, in order.
 */
import type { AuditStore } from "./roles/audit.ts";
import type { ReconciliationRunStore } from "./roles/reconciliation-runs.ts";
import type { InboxStore } from "./roles/inbox.ts";
import type { IssueStore } from "./roles/issues.ts";
import type { LeaseStore } from "./roles/leases.ts";
import type { OutboxStore } from "./roles/outbox.ts";
import type { PostingStore } from "./roles/postings.ts";
import type { QuotaStore } from "./roles/quotas.ts";
import type { ReferenceStore } from "./roles/references.ts";
import type { SourceStore } from "./roles/sources.ts";
import type { StateStore } from "./roles/state.ts";

export type { AuditEntry, AuditStore, AuditVerification } from "./roles/audit.ts";
export type { NewReconciliationRun, ReconciliationRun, ReconciliationRunStore } from "./roles/reconciliation-runs.ts";
export type {
  AcceptOutcome,
  Claim,
  ClaimedEvent,
  Dependency,
  EventRef,
  EventSettlement,
  Handoff,
  InboxStore,
  IgnoredVersion,
  IncomingEvent,
  LeasedDelivery,
  NewDelivery,
  ReplayItem,
  ReplayOutcome,
  ReplayRequest,
  RouteTargets,
  SettledEvents,
} from "./roles/inbox.ts";
export type { GapClosure, GapOpened, GapRef, Issue, IssueAction, IssueFilter, IssueStore, IssueTarget, NewGapIssue } from "./roles/issues.ts";
export type { LeaseRenewal, LeaseStore, RenewedLeases } from "./roles/leases.ts";
export type { ClaimedDelivery, DeliveryOutcome, DeliverySettlement, OutboxStore } from "./roles/outbox.ts";
export type { Posting, PostingStore, RecordVersion, VersionStanding } from "./roles/postings.ts";
export type { QuotaRequest, QuotaStore, SlotRequest, SlotReturn } from "./roles/quotas.ts";
export type { ReferenceStore } from "./roles/references.ts";
export type { SourceStore } from "./roles/sources.ts";
export type { DataVersion, KeepOutcome, KeptRecord, RecordFound, RecordToKeep, ReferenceLoad, StateRow, StateStore } from "./roles/state.ts";

export type { WorkKind } from "./database.ts";
import type { WorkKind } from "./database.ts";

/** Counts of events and deliveries by status. */
export interface StoreCounts {
  events: Readonly<Record<string, number>>;
  deliveries: Readonly<Record<string, number>>;
  issues: Readonly<Record<string, number>>;
}

/** The durable state of the runtime: every role together. Every method is one transaction. */
export interface Store extends InboxStore, OutboxStore, LeaseStore, IssueStore, AuditStore, QuotaStore, ReferenceStore, SourceStore, StateStore, ReconciliationRunStore, PostingStore {
  readonly engine: "sqlite" | "postgres";
  counts(): Promise<StoreCounts>;
  /**
   * Whether the store answers now, and how often its connections were lost and calls retried; a
   * store without connections to lose (SQLite) leaves it out and is always ready.
   */
  health?(): StoreHealth;
  /**
   * Calls `wake` when any process's transaction leaves work ready for any worker (events left in
   * the inbox, deliveries written to the outbox, successors a settlement lets go), so idle workers
   * take it at once rather than at their next poll; returns the unsubscribe. PostgreSQL wakes
   * through LISTEN/NOTIFY (postgres-listen.ts); a store whose workers share one process (SQLite)
   * leaves it out, and its workers poll.
   */
  watchWork?(wake: (work: readonly WorkKind[]) => void): () => void;
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
