/**
 * Whether a store already exists, asked without creating anything: the operator commands open an
 * existing store only (`spec run` is the one that creates it), so a mistyped path or schema is an
 * error rather than a new, empty store that answers "0 rows".
 */
import { existsSync, statSync } from "node:fs";
import BetterSqlite3 from "better-sqlite3";
import pg from "pg";

/** The table every store has from its first migration; its absence means no store. */
const MARKER_TABLE = "events";

const CREATES = "`spec run` creates it";

/** Whether a store is there, or why it is not (a sentence for the operator, without a full stop). */
export type StorePresence = { present: true } | { present: false; why: string };

/** Whether the SQLite file at `path` (absolute) holds a store; opens nothing that is missing. */
export function sqliteStorePresence(path: string): StorePresence {
  if (path === ":memory:") return { present: false, why: "an in-memory store holds nothing between commands" };
  if (!existsSync(path)) return { present: false, why: `no store at ${path}; ${CREATES}` };
  if (!statSync(path).isFile()) return { present: false, why: `${path} is not a store file` };
  let db: BetterSqlite3.Database | undefined;
  try {
    db = new BetterSqlite3(path, { fileMustExist: true });
    const row = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(MARKER_TABLE);
    return row === undefined ? { present: false, why: `${path} holds no syncspec store` } : { present: true };
  } catch (error) {
    return { present: false, why: `${path} is not a syncspec store (${(error as Error).message})` };
  } finally {
    db?.close();
  }
}

/** A connection string with its password masked, for messages. */
export function redactedUrl(connectionString: string): string {
  return connectionString.replace(/(\/\/[^:/@]*:)[^@/]*@/, "$1***@");
}

/** Whether the PostgreSQL schema `schema` holds a store; creates no schema and no table. */
export async function postgresStorePresence(connectionString: string, schema: string): Promise<StorePresence> {
  const client = new pg.Client({ connectionString, connectionTimeoutMillis: 10_000 });
  const where = `${redactedUrl(connectionString)} (schema ${schema})`;
  try {
    await client.connect();
    const result = await client.query("SELECT 1 FROM information_schema.tables WHERE table_schema = $1 AND table_name = $2", [schema, MARKER_TABLE]);
    return result.rowCount === 0 ? { present: false, why: `no store at ${where}; ${CREATES}` } : { present: true };
  } catch (error) {
    return { present: false, why: `cannot reach the store at ${where}: ${(error as Error).message}` };
  } finally {
    await client.end().catch(() => undefined);
  }
}
