/**
 * The state role (roles/state.ts) over the store's SQL surface, for SQLite and PostgreSQL: its
 * tables, created by `migrate`, and its methods, which the SQL store composes.
 */
import { appendAudit, type PendingAudit } from "../audit-log.ts";
import { chunks, perRows } from "../batched.ts";
import type { Database, Sql } from "../database.ts";
import { type DataVersion, type KeepOutcome, type KeptRecord, type RecordFound, STATE_SYSTEM, type StateRow, type StateStore } from "../roles/state.ts";
import { releaseRejections } from "./release-sql.ts";
import { lockDependencies } from "./xrefs.ts";

/** The state tables. `valid_from` is '' for a record without a start, so it sorts first and can be a key column. */
export function stateSchemaStatements(): string[] {
  return [
    `CREATE TABLE IF NOT EXISTS data_versions (
      entity TEXT NOT NULL, version INTEGER NOT NULL, source TEXT NOT NULL, row_count INTEGER NOT NULL,
      loaded_at BIGINT NOT NULL, loaded_by TEXT NOT NULL, PRIMARY KEY (entity, version))`,
    `CREATE TABLE IF NOT EXISTS data_rows (
      entity TEXT NOT NULL, version INTEGER NOT NULL, key TEXT NOT NULL, valid_from TEXT NOT NULL, valid_to TEXT,
      value TEXT NOT NULL, PRIMARY KEY (entity, version, key, valid_from))`,
    // `written_back` holds the fields answers wrote back (owned by other systems): a later keep of
    // the record from its events replaces `value` and leaves them.
    `CREATE TABLE IF NOT EXISTS kept_records (
      entity TEXT NOT NULL, key TEXT NOT NULL, version BIGINT NOT NULL, value TEXT NOT NULL, updated_at BIGINT NOT NULL,
      written_back TEXT, PRIMARY KEY (entity, key))`,
    // Fields answers wrote back onto a record not kept yet: no lookup sees them until the record
    // is kept, and its first keep takes them in.
    `CREATE TABLE IF NOT EXISTS pending_write_backs (
      entity TEXT NOT NULL, key TEXT NOT NULL, written_back TEXT NOT NULL, updated_at BIGINT NOT NULL, PRIMARY KEY (entity, key))`,
  ];
}

/** The day after every date a record can carry: a lookup without a date reads the latest record. */
const END_OF_TIME = "9999-12-31";

/** The lock a load of one entity's reference data takes on PostgreSQL, so two loads do not race for a version number. */
const LOAD_LOCK = "reference-data";

const INSERT_ROWS = perRows((values) => `INSERT INTO data_rows (entity, version, key, valid_from, valid_to, value) VALUES ${values("(?, ?, ?, ?, ?, ?)")}`);

// One round trip per lookup: a kept record, else the current version's record in force, else a
// record put one at a time before versions existed (`putReferenceData`).
const FIND_RECORD = `SELECT value, valid_from, written_back FROM (
    SELECT value, '' AS valid_from, written_back, 0 AS rank FROM kept_records WHERE entity = ? AND key = ?
    UNION ALL
    SELECT value, valid_from, NULL AS written_back, 1 AS rank FROM data_rows
      WHERE entity = ? AND key = ? AND valid_from <= ? AND version = (SELECT MAX(version) FROM data_versions WHERE entity = ?)
    UNION ALL
    SELECT value, '' AS valid_from, NULL AS written_back, 2 AS rank FROM reference_data WHERE entity = ? AND key = ?
  ) AS found ORDER BY rank, valid_from DESC LIMIT 1`;

const EARLIEST = `SELECT MIN(valid_from) AS earliest FROM data_rows
  WHERE entity = ? AND key = ? AND version = (SELECT MAX(version) FROM data_versions WHERE entity = ?)`;

interface VersionRow {
  entity: string;
  version: number;
  source: string;
  row_count: number;
  loaded_at: number;
  loaded_by: string;
}

function versionOf(row: VersionRow): DataVersion {
  return {
    entity: row.entity,
    version: Number(row.version),
    source: row.source,
    rows: Number(row.row_count),
    loadedAt: Number(row.loaded_at),
    loadedBy: row.loaded_by,
  };
}

async function currentVersion(sql: Sql, entity: string): Promise<number> {
  const [row] = await sql.all<{ version: number | null }>("SELECT MAX(version) AS version FROM data_versions WHERE entity = ?", [entity]);
  return Number(row?.version ?? 0);
}

/** A kept record as lookups read it: the fields its events gave, and those answers wrote back. */
function recordValue(value: string, writtenBack: string | null): unknown {
  const parsed = JSON.parse(value) as unknown;
  if (writtenBack === null || parsed === null || typeof parsed !== "object") return parsed;
  return { ...(parsed as Record<string, unknown>), ...(JSON.parse(writtenBack) as Record<string, unknown>) };
}

/** A field's value as a match compares it: strings as they are, numbers and booleans as JSON writes them. */
const textOf = (value: unknown) => (typeof value === "string" ? value : typeof value === "number" || typeof value === "boolean" ? JSON.stringify(value) : undefined);

/** The state role over `db`, whose tables exist. */
export function sqlState(db: Database): StateStore {
  const engine = db.engine;
  return {
    loadReferenceData(load) {
      return db.transaction(async (sql) => {
        await lockDependencies(sql, engine, [{ entity: load.entity, system: LOAD_LOCK, key: "" }]);
        const version = (await currentVersion(sql, load.entity)) + 1;
        for (const chunk of chunks(load.rows, 100)) {
          const params = chunk.flatMap((r) => [load.entity, version, r.key, r.validFrom ?? "", r.validTo, JSON.stringify(r.value)]);
          await sql.run(INSERT_ROWS(chunk.length), params);
        }
        await sql.run("INSERT INTO data_versions (entity, version, source, row_count, loaded_at, loaded_by) VALUES (?, ?, ?, ?, ?, ?)", [
          load.entity,
          version,
          load.source,
          load.rows.length,
          load.now,
          load.actor,
        ]);
        const audit: PendingAudit[] = [
          { at: load.now, actor: load.actor, action: "data.loaded", subject: `data:${load.entity}`, traceId: null, detail: { version, source: load.source, rows: load.rows.length } },
        ];
        await appendAudit(sql, engine, audit);
        return { entity: load.entity, version, source: load.source, rows: load.rows.length, loadedAt: load.now, loadedBy: load.actor };
      });
    },
    async dataVersions(entity) {
      const rows = await db.read((sql) =>
        entity === undefined
          ? sql.all<VersionRow>("SELECT * FROM data_versions ORDER BY entity, version")
          : sql.all<VersionRow>("SELECT * FROM data_versions WHERE entity = ? ORDER BY version", [entity]),
      );
      return rows.map(versionOf);
    },
    async dataRows(entity, version) {
      const rows = await db.read(async (sql) => {
        const wanted = version ?? (await currentVersion(sql, entity));
        return sql.all<{ key: string; valid_from: string; valid_to: string | null; value: string }>(
          "SELECT key, valid_from, valid_to, value FROM data_rows WHERE entity = ? AND version = ? ORDER BY key, valid_from",
          [entity, wanted],
        );
      });
      return rows.map((r): StateRow => ({ key: r.key, validFrom: r.valid_from === "" ? null : r.valid_from, validTo: r.valid_to, value: JSON.parse(r.value) as unknown }));
    },
    async findRecord(entity, key, asOf): Promise<RecordFound> {
      return db.read(async (sql) => {
        const [row] = await sql.all<{ value: string; valid_from: string; written_back: string | null }>(FIND_RECORD, [entity, key, entity, key, asOf ?? END_OF_TIME, entity, entity, key]);
        if (row !== undefined) return { found: true, value: recordValue(row.value, row.written_back), validFrom: row.valid_from === "" ? null : row.valid_from };
        if (asOf === undefined) return { found: false };
        const [first] = await sql.all<{ earliest: string | null }>(EARLIEST, [entity, key, entity]);
        return first?.earliest === null || first?.earliest === undefined ? { found: false } : { found: false, earliest: first.earliest };
      });
    },
    async keptRecords(entity) {
      const rows = await db.read((sql) => sql.all<{ key: string; version: number | string; value: string }>("SELECT key, version, value FROM kept_records WHERE entity = ? ORDER BY key", [entity]));
      return rows.map((r) => ({ key: r.key, version: Number(r.version), value: JSON.parse(r.value) as unknown }));
    },
    async findRecords(entity, match) {
      const fields = Object.entries(match);
      // Narrowed in SQL by the engine's JSON operator, then compared exactly here. SQLite reads a
      // JSON boolean as 1 or 0, so a boolean is compared here only.
      const narrowing = engine === "postgres" ? fields : fields.filter(([, value]) => value !== "true" && value !== "false");
      const extract = engine === "postgres" ? "(value::jsonb ->> ?)" : "CAST(json_extract(value, ?) AS TEXT)";
      const where = narrowing.map(() => ` AND ${extract} = ?`).join("");
      const params = [entity, ...narrowing.flatMap(([field, value]) => [engine === "postgres" ? field : `$."${field}"`, value])];
      const rows = await db.read((sql) => sql.all<{ key: string; value: string; written_back: string | null }>(`SELECT key, value, written_back FROM kept_records WHERE entity = ?${where} ORDER BY key`, params));
      return rows
        .map((r) => ({ key: r.key, value: recordValue(r.value, r.written_back) }))
        .filter((r) => fields.every(([field, value]) => textOf((r.value as Record<string, unknown>)[field]) === value));
    },
    keepRecord(record): Promise<KeepOutcome> {
      return db.transaction(async (sql) => {
        const audit: PendingAudit[] = [];
        const [outcome] = await keepRecordsIn(sql, engine, [record], audit);
        await appendAudit(sql, engine, audit);
        return outcome as KeepOutcome;
      });
    },
  };
}

/**
 * Keeps records inside the caller's transaction (a routed event's settlement, or `keepRecord`): each
 * unless a version at least as high is kept already, waking the events waiting for it. Both are
 * audited: a kept record as `record.kept`, a stale or repeated version as `record.ignored`.
 */
export async function keepRecordsIn(sql: Sql, engine: Database["engine"], records: readonly KeptRecord[], audit: PendingAudit[]): Promise<KeepOutcome[]> {
  await lockDependencies(sql, engine, records.map((r) => ({ entity: r.entity, system: STATE_SYSTEM, key: r.key })));
  const outcomes: KeepOutcome[] = [];
  for (const record of records) {
    const [current] = await sql.all<{ version: number }>("SELECT version FROM kept_records WHERE entity = ? AND key = ?", [record.entity, record.key]);
    const previous = current === undefined ? null : Number(current.version);
    const subject = `record:${record.entity}:${record.key}`;
    if (previous !== null && previous >= record.version) {
      audit.push({ at: record.now, actor: record.source, action: "record.ignored", subject, traceId: record.traceId, detail: { version: record.version, currentVersion: previous } });
      outcomes.push({ kept: false, currentVersion: previous });
      continue;
    }
    const pending = previous === null ? await takePending(sql, record.entity, record.key) : null;
    await sql.run(
      `INSERT INTO kept_records (entity, key, version, value, updated_at, written_back) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (entity, key) DO UPDATE SET version = excluded.version, value = excluded.value, updated_at = excluded.updated_at`,
      [record.entity, record.key, record.version, JSON.stringify(record.value), record.now, pending],
    );
    await wakeWaitingFor(sql, record.entity, record.key, record.now);
    audit.push({ at: record.now, actor: record.source, action: "record.kept", subject, traceId: record.traceId, detail: { version: record.version, previousVersion: previous } });
    await releaseRejections(sql, record.entity, record.key, record.now, record.source, audit);
    outcomes.push({ kept: true, previousVersion: previous });
  }
  return outcomes;
}

/** The events waiting for a kept record go back to work; any worker is told when there are some. */
async function wakeWaitingFor(sql: Sql, entity: string, key: string, now: number): Promise<void> {
  const woken = await sql.run("UPDATE events SET status = 'pending', available_at = ? WHERE status = 'waiting' AND wait_entity = ? AND wait_system = ? AND wait_key = ?", [
    now,
    entity,
    STATE_SYSTEM,
    key,
  ]);
  if (woken > 0) sql.ready?.("events");
}

/** The fields answers wrote back onto a record before it was kept (as JSON), removed from the pending ones; null when there are none. */
async function takePending(sql: Sql, entity: string, key: string): Promise<string | null> {
  const [row] = await sql.all<{ written_back: string }>("SELECT written_back FROM pending_write_backs WHERE entity = ? AND key = ?", [entity, key]);
  if (row === undefined) return null;
  await sql.run("DELETE FROM pending_write_backs WHERE entity = ? AND key = ?", [entity, key]);
  return row.written_back;
}

/** Fields a delivery's answer writes back to a kept record, with who wrote them. */
export interface WriteBackRow {
  entity: string;
  key: string;
  fields: Readonly<Record<string, unknown>>;
  /** The `system.operation` whose answer gave them. */
  from: string;
  traceId: string | null;
  now: number;
}

const merged = (json: string | null | undefined, fields: Readonly<Record<string, unknown>>) =>
  JSON.stringify({ ...(json === null || json === undefined ? {} : (JSON.parse(json) as Record<string, unknown>)), ...fields });

/**
 * Applies write-backs inside the caller's transaction (a delivery's settlement): the fields are
 * set beside the kept record's own, its version unchanged, the events waiting for it are woken,
 * and each is audited as `record.written-back`. Onto a record not kept yet (its answer came before
 * the event that keeps it was routed) the fields are held pending, audited with `pending: true`:
 * no lookup finds an empty record meanwhile, and the record's first keep takes them in.
 */
export async function writeBacksIn(sql: Sql, engine: Database["engine"], rows: readonly WriteBackRow[], audit: PendingAudit[]): Promise<void> {
  await lockDependencies(sql, engine, rows.map((r) => ({ entity: r.entity, system: STATE_SYSTEM, key: r.key })));
  for (const row of rows) {
    const subject = `record:${row.entity}:${row.key}`;
    const [current] = await sql.all<{ written_back: string | null }>("SELECT written_back FROM kept_records WHERE entity = ? AND key = ?", [row.entity, row.key]);
    if (current === undefined) {
      const [pending] = await sql.all<{ written_back: string }>("SELECT written_back FROM pending_write_backs WHERE entity = ? AND key = ?", [row.entity, row.key]);
      await sql.run(
        `INSERT INTO pending_write_backs (entity, key, written_back, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (entity, key) DO UPDATE SET written_back = excluded.written_back, updated_at = excluded.updated_at`,
        [row.entity, row.key, merged(pending?.written_back, row.fields), row.now],
      );
      audit.push({ at: row.now, actor: row.from, action: "record.written-back", subject, traceId: row.traceId, detail: { fields: row.fields, pending: true } });
      continue;
    }
    await sql.run("UPDATE kept_records SET written_back = ?, updated_at = ? WHERE entity = ? AND key = ?", [merged(current.written_back, row.fields), row.now, row.entity, row.key]);
    await wakeWaitingFor(sql, row.entity, row.key, row.now);
    audit.push({ at: row.now, actor: row.from, action: "record.written-back", subject, traceId: row.traceId, detail: { fields: row.fields } });
    await releaseRejections(sql, row.entity, row.key, row.now, row.from, audit);
  }
}
