/**
 * The quotas role: systems' rate quotas and concurrency caps, kept in the store so that every
 * worker sharing it keeps them together.
 */

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

/** Shared quota buckets and concurrency slots. */
export interface QuotaStore {
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
}
