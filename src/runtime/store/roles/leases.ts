/**
 * The leases role: a worker renews the leases of the work it has in hand (events and deliveries),
 * so a lease can stay short, and gives them back when it stops.
 */

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

/** Renewing and giving back a worker's leases. */
export interface LeaseStore {
  /**
   * Extends the leases the worker still holds under the tokens given, so that work in hand (a call to
   * a slow target) keeps its lease past `leaseMs`. A lease another worker took over is not renewed.
   */
  renewLeases(renewal: LeaseRenewal): Promise<RenewedLeases>;
  /** Gives back every lease a worker holds (graceful shutdown). */
  releaseLeases(worker: string, now: number): Promise<number>;
}
