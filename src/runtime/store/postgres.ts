/**
 * The shared store: PostgreSQL, for several `spec run` processes on one database. Work is split
 * with `FOR UPDATE SKIP LOCKED` leases; a transaction that loses a deadlock or serialization race
 * is run again from the start, which is safe because each transaction is all-or-nothing.
 */
import { createHash } from "node:crypto";
import pg from "pg";
import { StoreUnavailableError } from "../errors.ts";
import { type Logger, stderrLogger } from "../logger.ts";
import type { Database, Sql, WorkKind } from "./database.ts";
import { type ConnectionKeeper, connectionKeeper, isConnectionError, type ReconnectPolicy } from "./postgres-connection.ts";
import { workChannel, workListener } from "./postgres-listen.ts";
import { ADDED_COLUMNS, ADDED_INDEXES, RELAXED_COLUMNS, schemaStatements } from "./schema.ts";
import { createSqlStore, migrate } from "./sql-store.ts";
import type { Store } from "./store.ts";

/** Options of the PostgreSQL store. */
export interface PostgresStoreOptions {
  connectionString: string;
  /** The schema the tables live in (created when missing); lets tests and tenants share a database. */
  schema?: string;
  /** Connections in this process's pool. */
  poolSize?: number;
  /** How calls are retried while connections fail (see `ReconnectPolicy`). */
  reconnect?: ReconnectPolicy;
  /** Where connection losses, retries and recoveries are logged (default: JSON lines on stderr). */
  log?: Logger;
  /** The clock, timers and randomness of the retries (default: the system's). */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

const RETRYABLE = new Set(["40001", "40P01"]);
const MAX_TRIES = 8;

/** Statements rewritten to PostgreSQL's `$n` placeholders, by their text: the store runs few distinct ones. */
const positional = new Map<string, string>();

function toPositional(text: string): string {
  let rewritten = positional.get(text);
  if (rewritten === undefined) {
    let n = 0;
    rewritten = text.replace(/\?/g, () => `$${++n}`);
    // A bound on memory, should statements ever be built from data.
    if (positional.size >= 2000) positional.clear();
    positional.set(text, rewritten);
  }
  return rewritten;
}

function int8AsNumber(oid: number, format?: "text" | "binary") {
  // Ids and millisecond times are BIGINT; they stay well inside 2^53.
  if (oid === 20) return (value: string) => Number(value);
  return pg.types.getTypeParser(oid, format as "text");
}

/** Checks a schema name before it is written into SQL. */
function schemaName(schema: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`postgres schema must be a lower-case identifier, got '${schema}'`);
  return schema;
}

/** Statements on one checked-out client; `ready` collects the work the transaction announces at its commit. */
function clientSql(client: pg.PoolClient, ready: Set<WorkKind>): Sql {
  return {
    async all<R>(text: string, params: readonly unknown[] = []) {
      return (await client.query(toPositional(text), params as unknown[])).rows as R[];
    },
    async run(text, params = []) {
      return (await client.query(toPositional(text), params as unknown[])).rowCount ?? 0;
    },
    ready: (work) => void ready.add(work),
  };
}

/**
 * The query asked before COMMIT: the transaction's id, and the notification of the work it made
 * ready (PostgreSQL sends it to the listeners once the transaction commits, and never if it does
 * not), in the same round trip.
 */
function beforeCommit(channel: string, ready: ReadonlySet<WorkKind>): { text: string; values: string[] } {
  const text = "SELECT pg_current_xact_id_if_assigned()::text AS xid";
  return ready.size === 0 ? { text, values: [] } : { text: `${text}, pg_notify($1, $2) AS notified`, values: [channel, [...ready].sort().join(" ")] };
}

/** A transaction whose connection was lost during COMMIT, after it had written: whether it committed is asked. */
class LostCommit<T> {
  constructor(
    readonly xid: string,
    readonly result: T,
    readonly cause: Error,
  ) {}
}

/**
 * One transaction on a checked-out client. A connection the server terminates fails the
 * transaction, and the client is released with the error so the pool discards it. A transaction
 * lost before COMMIT was sent rolled back; one lost during COMMIT that had written is reported as
 * a LostCommit with its transaction id. Learning that id costs a round trip before each COMMIT.
 */
async function runTransaction<T>(pool: pg.Pool, channel: string, body: (sql: Sql) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const client = await pool.connect();
    let broken: Error | undefined;
    const onError = (error: Error) => {
      broken ??= error;
    };
    client.on("error", onError);
    let written: { xid: string; result: T } | undefined;
    try {
      await client.query("BEGIN");
      const ready = new Set<WorkKind>();
      const result = await body(clientSql(client, ready));
      // Null when the transaction wrote nothing: then there is nothing a lost COMMIT could have kept.
      const [row] = (await client.query<{ xid: string | null }>(beforeCommit(channel, ready))).rows;
      if (row?.xid != null) written = { xid: row.xid, result };
      await client.query("COMMIT");
      return result;
    } catch (error) {
      if (broken !== undefined || isConnectionError(error)) {
        broken ??= error as Error;
        if (written !== undefined) throw new LostCommit(written.xid, written.result, broken);
        throw broken;
      }
      await client.query("ROLLBACK").catch(() => undefined);
      const code = (error as { code?: string }).code;
      if (code === undefined || !RETRYABLE.has(code) || attempt >= MAX_TRIES) throw error;
    } finally {
      client.off("error", onError);
      client.release(broken);
    }
  }
}

/**
 * Whether a transaction whose COMMIT lost its answer committed, asked on another connection: its
 * server session may still be ending, so an answer of "in progress" is asked again a few times.
 */
async function commitStatus(pool: pg.Pool, keeper: ConnectionKeeper, xid: string, sleep: (ms: number) => Promise<void>): Promise<string | null> {
  return keeper.run("commit status", async () => {
    for (let asked = 1; ; asked++) {
      const [row] = (await pool.query<{ status: string | null }>("SELECT pg_xact_status($1::xid8) AS status", [xid])).rows;
      const status = row?.status ?? null;
      if (status !== "in progress" || asked >= 50) return status;
      await sleep(20);
    }
  });
}

/** Runs a transaction through lost connections: run again when it did not commit, its result kept when it did. */
function transactionThroughLosses(pool: pg.Pool, channel: string, keeper: ConnectionKeeper, sleep: (ms: number) => Promise<void>) {
  return <T>(body: (sql: Sql) => Promise<T>): Promise<T> =>
    keeper.run("transaction", async () => {
      try {
        return await runTransaction(pool, channel, body);
      } catch (error) {
        if (!(error instanceof LostCommit)) throw error;
        const status = await commitStatus(pool, keeper, error.xid, sleep);
        if (status === "committed") return error.result as T;
        // Rolled back: the keeper runs it again, like any transaction lost before its COMMIT.
        if (status === "aborted") throw error.cause;
        throw new StoreUnavailableError(`the connection was lost while transaction ${error.xid} committed, and whether it committed is unknown (${status ?? "no status"}): ${error.cause.message}`);
      }
    });
}

function openPostgres(options: PostgresStoreOptions, keeper: ConnectionKeeper, sleep: (ms: number) => Promise<void>): Database {
  const schema = schemaName(options.schema ?? "syncspec");
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.poolSize ?? 4,
    options: `-c search_path=${schema}`,
    // A server that stops answering (a cut network) fails the connect instead of hanging it.
    connectionTimeoutMillis: 5_000,
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
    types: { getTypeParser: int8AsNumber } as unknown as pg.CustomTypesConfig,
  });
  // Every client listens for errors for its whole life, not only while idle (the pool's own
  // listener) or inside a transaction: the pool hands a client on from within the socket's read,
  // before its new holder can listen, and a session terminated then must not end the process.
  pool.on("connect", (client) => {
    let lost = false;
    client.on("error", (error) => {
      if (lost) return;
      lost = true;
      keeper.lost(error, "connection");
    });
  });
  // The pool drops an idle client whose connection ended, and connects anew when asked.
  pool.on("error", () => undefined);
  const poolSql: Sql = {
    async all<R>(text: string, params: readonly unknown[] = []) {
      return (await pool.query(toPositional(text), params as unknown[])).rows as R[];
    },
    async run(text, params = []) {
      return (await pool.query(toPositional(text), params as unknown[])).rowCount ?? 0;
    },
  };
  return {
    engine: "postgres",
    transaction: transactionThroughLosses(pool, workChannel(schema), keeper, sleep),
    // Reads change nothing: after a lost connection they are simply run again.
    read: (body) => keeper.run("read", () => body(poolSql)),
    close: () => pool.end(),
  };
}

/**
 * The shape of the tables this version makes. A store already in that shape is not migrated again
 * when a worker starts: the migration's DDL takes locks that would stall the running workers, and
 * its many statements make a slow start that a flaky connection may cut again and again.
 */
const SCHEMA_FINGERPRINT = createHash("sha256")
  .update(JSON.stringify([schemaStatements("postgres"), ADDED_COLUMNS, RELAXED_COLUMNS, ADDED_INDEXES]))
  .digest("hex");

/** Whether the store's tables are in this version's shape (false when they, or the schema, are missing). */
async function schemaIsCurrent(db: Database): Promise<boolean> {
  try {
    const rows = await db.read((sql) => sql.all<{ fingerprint: string }>("SELECT fingerprint FROM store_schema WHERE id = 1"));
    return rows[0]?.fingerprint === SCHEMA_FINGERPRINT;
  } catch (error) {
    // 42P01: no such table (a new schema, or a store made before the fingerprint was kept).
    if ((error as { code?: string }).code === "42P01") return false;
    throw error;
  }
}

/** Opens a PostgreSQL store, creating its schema and tables when missing; waits out a database that is restarting. */
export async function createPostgresStore(options: PostgresStoreOptions): Promise<Store> {
  const schema = schemaName(options.schema ?? "syncspec");
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const keeper = connectionKeeper(options.reconnect ?? {}, { log: options.log ?? stderrLogger(), now: options.now ?? Date.now, sleep, random: options.random ?? Math.random });
  const db = openPostgres(options, keeper, sleep);
  try {
    await keeper.run("start-up", async () => {
      if (await schemaIsCurrent(db)) return;
      const admin = new pg.Client({ connectionString: options.connectionString, connectionTimeoutMillis: 5_000 });
      admin.on("error", (error) => keeper.lost(error, "start-up connection"));
      try {
        await admin.connect();
        // Several workers may start at once; the advisory lock makes creating the tables one-at-a-time.
        await admin.query("SELECT pg_advisory_lock(727274)");
        await admin.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
        await migrate(db);
        await db.transaction(async (sql) => {
          await sql.run("CREATE TABLE IF NOT EXISTS store_schema (id INTEGER PRIMARY KEY, fingerprint TEXT NOT NULL)");
          await sql.run("INSERT INTO store_schema (id, fingerprint) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET fingerprint = excluded.fingerprint", [SCHEMA_FINGERPRINT]);
        });
        await admin.query("SELECT pg_advisory_unlock(727274)");
      } finally {
        await admin.end().catch(() => undefined);
      }
    });
  } catch (error) {
    await db.close().catch(() => undefined);
    throw error;
  }
  const listener = workListener({ connectionString: options.connectionString, channel: workChannel(schema), log: options.log ?? stderrLogger(), sleep });
  const store = createSqlStore(db);
  const close = store.close;
  return Object.assign(store, {
    health: keeper.health,
    watchWork: listener.subscribe,
    async close() {
      await listener.close();
      await close();
    },
  });
}

/** Drops a schema and everything in it (tests clean up their own). */
export async function dropPostgresSchema(connectionString: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${schemaName(schema)} CASCADE`);
  } finally {
    await client.end();
  }
}

/** Whether PostgreSQL answers at `connectionString`, for tests that skip without it. */
export async function postgresAvailability(connectionString: string): Promise<{ available: true } | { available: false; reason: string }> {
  const client = new pg.Client({ connectionString, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query("SELECT 1");
    return { available: true };
  } catch (error) {
    return { available: false, reason: `PostgreSQL at ${connectionString.replace(/:[^:@/]*@/, ":***@")} did not answer (${(error as Error).message})` };
  } finally {
    await client.end().catch(() => undefined);
  }
}
