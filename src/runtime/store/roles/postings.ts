/**
 * The postings role: per versioned source record and target, what was last posted there (the
 * request body, the target's id, the record's version). A newer version of the record is compared
 * with it; an older one (stale) or the same one again (a duplicate) is not posted.
 */

/** A record's version: a number, or an ISO-8601 timestamp (text that orders as it reads). */
export type RecordVersion = number | string;

/** What was posted to one target for one version of a record. */
export interface Posting {
  route: string;
  /** The record's identity: its identity fields' values joined as the route's keys are. */
  identity: string;
  system: string;
  version: RecordVersion;
  body: unknown;
  /** The id the target gave the posted record, when it gave one. */
  targetId: string | null;
  postedAt: number;
  /**
   * Set once what was posted has been taken back and nothing stands posted: `reversed` by a newer
   * version's reversal (its own posting not delivered yet), `voided` by the record's void event.
   * The version is the one that took it back, so an older version stays stale.
   */
  withdrawn?: Withdrawal;
  /** The correction that made this posting (`reverse`, `adjust`, `update`), for the audit. */
  correction?: string;
}

/** How what was posted was taken back: by a newer version's reversal, or by the record's void. */
export type Withdrawal = "reversed" | "voided";

/** Where the latest delivery that posted a record to a target stands in the outbox. */
export type PostingDelivery = "delivered" | "open" | "failed";

/** How a version compares with what was posted: nothing posted yet, newer, the same, or older. */
export type VersionStanding = "first" | "newer" | "duplicate" | "stale";

/** Kept postings of versioned records. */
export interface PostingStore {
  /** What was last posted to `system` for the record `identity` of `route`. */
  findPosting(route: string, identity: string, system: string): Promise<Posting | undefined>;
  /**
   * Records a posting unless a newer version was posted already; returns how its version stood
   * against the posting it found (a stale version is not recorded).
   */
  recordPosting(posting: Posting): Promise<VersionStanding>;
  /**
   * Where the latest delivery that posted the record `identity` of `route` to `system` stands:
   * delivered, still open (pending or processing), failed (a dead letter or an exception), or
   * undefined when none was ever made. A correction tells from it a record never posted from one
   * whose posting was kept and is gone.
   */
  postingDelivery(route: string, identity: string, system: string): Promise<PostingDelivery | undefined>;
}

/** How `version` stands against the version posted before (undefined: none). */
export function versionStanding(version: RecordVersion, posted: RecordVersion | undefined): VersionStanding {
  if (posted === undefined) return "first";
  if (version === posted) return "duplicate";
  return compareVersions(version, posted) > 0 ? "newer" : "stale";
}

/** Orders two versions: numbers by value, timestamps by instant, else as text. */
export function compareVersions(a: RecordVersion, b: RecordVersion): number {
  if (typeof a === "number" && typeof b === "number") return a - b;
  const at = Date.parse(String(a));
  const bt = Date.parse(String(b));
  if (!Number.isNaN(at) && !Number.isNaN(bt) && at !== bt) return at - bt;
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}
