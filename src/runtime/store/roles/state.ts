/**
 * The state role of the store: reference data loaded as versions (rate cards, people, exchange
 * rates), each record possibly effective-dated, and canonical records kept from events (a project
 * as its activation described it). Lookups read both the same way: by entity and key, optionally
 * as of a date. SQLite and PostgreSQL implement it in sql/state-sql.ts.
 */

/** One record of reference data: its key (the identity values joined by `|`), its validity and its value. */
export interface StateRow {
  key: string;
  /** First day (ISO date) the record is in force; null when it always was. */
  validFrom: string | null;
  /** Day (ISO date) from which it is no longer in force; null when open-ended. */
  validTo: string | null;
  value: unknown;
}

/** A load of one entity's reference data: the whole new version. */
export interface ReferenceLoad {
  entity: string;
  /** Where the rows came from (a file path), as the version list shows it. */
  source: string;
  rows: readonly StateRow[];
  now: number;
  /** Who loaded it, for the audit log. */
  actor: string;
}

/** One loaded version of an entity's reference data. */
export interface DataVersion {
  entity: string;
  version: number;
  source: string;
  rows: number;
  loadedAt: number;
  loadedBy: string;
}

/**
 * What a lookup found. Not found, `earliest` is the first date the key has a record from when the
 * lookup asked for a date before it (so the caller can say so), and absent when the key is unknown.
 */
export type RecordFound = { found: true; value: unknown; validFrom: string | null } | { found: false; earliest?: string };

/** A canonical record kept from an event. */
export interface KeptRecord {
  entity: string;
  key: string;
  /** The record's version: a lower one than the one kept is stale and never overwrites it. */
  version: number;
  value: unknown;
  /** The route and event that kept it, for the audit log. */
  source: string;
  traceId: string | null;
  now: number;
}

/** A record a routed event keeps (a keep step): the route and trace are the event's. */
export type RecordToKeep = Pick<KeptRecord, "entity" | "key" | "version" | "value">;

/** Whether a record was kept, or ignored as stale (or as a repeat of the version kept). */
export type KeepOutcome = { kept: true; previousVersion: number | null } | { kept: false; currentVersion: number };

/** The dependency system name under which events wait for a kept record (see `Dependency`). */
export const STATE_SYSTEM = "state";

/** Reference data and kept records, by entity and key. */
export interface StateStore {
  /**
   * Replaces an entity's reference data with `rows`, atomically, as the next version; the earlier
   * versions stay for `dataRows` and diffs. Rows are checked by the caller (see runtime/state).
   */
  loadReferenceData(load: ReferenceLoad): Promise<DataVersion>;
  /** The loaded versions, of one entity or all, by entity then version. */
  dataVersions(entity?: string): Promise<DataVersion[]>;
  /** The rows of one version (the current one when omitted), by key then validity. */
  dataRows(entity: string, version?: number): Promise<StateRow[]>;
  /**
   * The record of `entity` under `key`: a kept record first, else the current reference data, the
   * one in force on `asOf` (an ISO date: the latest `validFrom` on or before it, so the last
   * earlier record across a gap), else the record without a date.
   */
  findRecord(entity: string, key: string, asOf?: string): Promise<RecordFound>;
  /**
   * Keeps a record from an event unless a version at least as high is kept already; audited, and
   * the events waiting for it (entity, `state`, key) are woken.
   */
  keepRecord(record: KeptRecord): Promise<KeepOutcome>;
  /**
   * The records kept from events of `entity` whose fields equal `match` (each value compared as
   * text: `{ projectId: "KA-P01" }`), with the fields answers wrote back, by key; none is an empty
   * list. What a lookup of several records reads (the billable lines of a project).
   */
  findRecords(entity: string, match: Readonly<Record<string, string>>): Promise<{ key: string; value: unknown }[]>;
  /** The records kept of an entity, each at the version kept, by key: the runtime's own state as a reconciliation reads it. */
  keptRecords(entity: string): Promise<{ key: string; version: number; value: unknown }[]>;
}
