/**
 * Replaying a route's stored events with regard for what they already did. Without `force`:
 * an event whose deliveries were all delivered is left alone (nothing is sent again on the
 * strength of a target's idempotency), as is one a person skipped or one still being delivered;
 * a delivery that stopped (dead letter, exception) is sent again with its request as it stands;
 * an event that stopped before any request was built is routed again. With `force`, every event
 * in the range is routed again under the same idempotency keys. A dry run only says what would be
 * done. A dead letter or exception stays open until its delivery is delivered, and is closed then
 * (`closeDeliveredIssues` in sql/replay-sql.ts), so the queues show what is still wrong after a replay.
 */

/** Which events to replay, by whom and why. */
export interface ReplayRequest {
  route: string;
  from: number;
  to: number;
  who: string;
  why: string;
  now: number;
  /** Route every event in the range again, those delivered or skipped by a person too. */
  force?: boolean;
  /** Say what would be done, and change nothing. */
  dryRun?: boolean;
}

/** One stored delivery of a replayed event. */
export interface ReplayDelivery {
  id: number;
  system: string;
  operation: string;
  status: string;
}

/** What a replay does (or, in a dry run, would do) with one event, and why. */
export interface ReplayItem {
  eventId: number;
  key: string;
  receivedAt: number;
  /** `route-again`: the event runs its route again; `resend`: its stopped deliveries are sent again; `leave`: nothing. */
  action: "route-again" | "resend" | "leave";
  reason: string;
  /** The deliveries sent again (`resend`), else every delivery the event has. */
  deliveries: ReplayDelivery[];
}

/** What a replay did, event by event. */
export interface ReplayOutcome {
  items: ReplayItem[];
  /** Events routed again or whose deliveries were sent again. */
  replayed: number;
}
