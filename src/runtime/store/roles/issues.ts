/**
 * The issues role: dead letters and exceptions, tied to an event, a delivery or a reconciliation
 * gap, and the actions people take on them (retry, edit and replay, skip), each audited.
 */
import type { IssueSubjects } from "./issue-subjects.ts";

/** Where an exception or dead letter is filed. */
export interface IssueTarget {
  queue: string;
  owner: string;
  reason: string;
  /** The reason code of a declared rejection. */
  code?: string;
}

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
  /** The reason code of a declared rejection (a reject step); null for an exception, a dead letter or a gap. */
  reasonCode: string | null;
  createdAt: number;
  /**
   * `closed`: a reconciliation gap that closed by itself while its exception was open, or a dead
   * letter or exception whose delivery was delivered since (sent again by a replay).
   */
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
  | {
      action: "edit";
      payload: unknown;
      /** What the payload replaces: the event's source payload (routed again, the default) or the delivery's target request (sent again). */
      target?: "source" | "request";
    }
  | { action: "skip" }
);

/** The dead-letter and exception queues. */
export interface IssueStore extends IssueSubjects {
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
}
