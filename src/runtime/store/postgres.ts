/**
 * The shared store: PostgreSQL, for several `spec run` processes on one database. Work is split
 * with `FOR UPDATE SKIP LOCKED` leases; a transaction that loses a deadlock or serialization race
 * is run again from the start, which is safe because each transaction is all-or-nothing.
 */
import pg from "pg";
import type { Database, Sql } from "./database.ts";
import { createSqlStore, migrate } from "./sql-store.ts";
import type { Store } from "./store.ts";

/** Options of the PostgreSQL store. */
export interface PostgresStoreOptions {
  connectionString: string;
  /** The schema the tables live in (created when missing); lets tests and tenants share a database. */
  schema?: string;
  /** Connections in this process's pool. */
  poolSize?: number;
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

function openPostgres(options: PostgresStoreOptions): Database {
  const schema = schemaName(options.schema ?? "syncspec");
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.poolSize ?? 4,
    options: `-c search_path=${schema}`,
    types: { getTypeParser: int8AsNumber } as unknown as pg.CustomTypesConfig,
  });
  pool.on("error", () => undefined);
  return {
    engine: "postgres",
    async transaction<T>(body: (sql: Sql) => Promise<T>): Promise<T> {
      for (let attempt = 1; ; attempt++) {
        const client = await pool.connect();
        const sql: Sql = {
          async all<R>(text: string, params: readonly unknown[] = []) {
            return (await client.query(toPositional(text), params as unknown[])).rows as R[];
          },
          async run(text, params = []) {
            return (await client.query(toPositional(text), params as unknown[])).rowCount ?? 0;
          },
        };
        try {
          await client.query("BEGIN");
          const result = await body(sql);
          await client.query("COMMIT");
          client.release();
          return result;
        } catch (error) {
          await client.query("ROLLBACK").catch(() => undefined);
          client.release();
          const code = (error as { code?: string }).code;
          if (code === undefined || !RETRYABLE.has(code) || attempt >= MAX_TRIES) throw error;
        }
      }
    },
    read<T>(body: (sql: Sql) => Promise<T>): Promise<T> {
      const sql: Sql = {
        async all<R>(text: string, params: readonly unknown[] = []) {
          return (await pool.query(toPositional(text), params as unknown[])).rows as R[];
        },
        async run(text, params = []) {
          return (await pool.query(toPositional(text), params as unknown[])).rowCount ?? 0;
        },
      };
      return body(sql);
    },
    close: () => pool.end(),
  };
}

/** Opens a PostgreSQL store, creating its schema and tables when missing. */
export async function createPostgresStore(options: PostgresStoreOptions): Promise<Store> {
  const schema = schemaName(options.schema ?? "syncspec");
  const admin = new pg.Client({ connectionString: options.connectionString });
  await admin.connect();
  try {
    // Several workers may start at once; the advisory lock makes creating the tables one-at-a-time.
    await admin.query("SELECT pg_advisory_lock(727274)");
    await admin.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    const db = openPostgres(options);
    await migrate(db);
    await admin.query("SELECT pg_advisory_unlock(727274)");
    return createSqlStore(db);
  } finally {
    await admin.end();
  }
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
