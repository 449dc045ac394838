/**
 * The outbox role: each delivery waits here until a worker leases it, calls the target and settles
 * it (delivered, retry later, dead letter, exception). A delivery's lease that ran out is taken over
 * by the next lease, which does not count it as an attempt, and until then the attempt that held
 * it may still settle it. Deliveries that share an ordering key and system go one at a time.
 */
import type { Claim } from "./inbox.ts";
import type { IncomingEvent } from "./inbox.ts";
import type { IssueTarget } from "./issues.ts";

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

/** What an attempt at a delivery came to. */
export type DeliveryOutcome =
  | {
      outcome: "delivered";
      targetId?: string;
      status: number;
      /** Fields of a kept record the answer gives (the operation's write-back), applied with the settlement. */
      writeBack?: { entity: string; key: string; fields: Readonly<Record<string, unknown>> };
      /** The canonical events the write-back announces (`writeBack.emit`): accepted with the settlement, in its transaction. */
      emits?: readonly IncomingEvent[];
    }
  | {
      outcome: "retry";
      availableAt: number;
      error: string;
      /** True when no call was made (the breaker was open): the attempt is not counted. */
      refund?: boolean;
    }
  | { outcome: "dead"; issue: IssueTarget }
  | { outcome: "exception"; issue: IssueTarget };

/** Where deliveries are leased and settled. */
export interface OutboxStore {
  /** Leases ready deliveries, at most one per ordering key and system, oldest first. */
  claimDeliveries(claim: Claim): Promise<ClaimedDelivery[]>;
  /** Settles leased deliveries; each result is false when the fencing token was stale. */
  settleDeliveries(settlements: readonly DeliverySettlement[]): Promise<boolean[]>;
}
