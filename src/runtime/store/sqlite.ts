/**
 * The embedded store: one SQLite file in WAL mode. Transactions are BEGIN IMMEDIATE and run one at
 * a time on the connection; concurrent `accept` calls share one commit (group commit), so the
 * fsync that makes an event durable is paid once per batch rather than once per event.
 */
import { resolve } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import type { Database, Sql } from "./database.ts";
import { createSqlStore, migrate } from "./sql-store.ts";
import type { Store } from "./store.ts";

/** Options of the SQLite store. */
export interface SqliteStoreOptions {
  /** The database file; `:memory:` for tests that need no durability. */
  path: string;
  /**
   * `full` (default) syncs the WAL on every commit: an acknowledged event survives power loss.
   * `normal` syncs at checkpoints: it survives a process crash (kill -9) but not power loss.
   */
  durability?: "full" | "normal";
}

type Statement = BetterSqlite3.Statement<unknown[], unknown>;

/**
 * Transactions queue per file across every connection in this process: a second connection's
 * BEGIN IMMEDIATE would otherwise block the thread that must finish the first one's transaction.
 */
const queues = new Map<string, Promise<unknown>>();
let memoryDatabases = 0;

/** Statements on one connection, prepared once. */
function statementsOf(db: BetterSqlite3.Database): Sql {
  const statements = new Map<string, Statement>();
  const prepare = (text: string): Statement => {
    let statement = statements.get(text);
    if (statement === undefined) {
      statement = db.prepare(text);
      statements.set(text, statement);
    }
    return statement;
  };
  return {
    async all<T>(text: string, params: readonly unknown[] = []) {
      const statement = prepare(text);
      if (statement.reader) return statement.all(...params) as T[];
      statement.run(...params);
      return [];
    },
    async run(text, params = []) {
      return prepare(text).run(...params).changes;
    },
  };
}

function openSqlite(options: SqliteStoreOptions): Database {
  const db = new BetterSqlite3(options.path);
  db.pragma("journal_mode = WAL");
  db.pragma(`synchronous = ${options.durability === "normal" ? "NORMAL" : "FULL"}`);
  db.pragma("busy_timeout = 10000");
  const sql = statementsOf(db);
  // Reads go to a second, read-only connection: WAL lets it see the last commit at once,
  // without waiting behind the writer's queue and without seeing its uncommitted rows.
  const readerDb = options.path === ":memory:" ? undefined : new BetterSqlite3(options.path, { readonly: true });
  readerDb?.pragma("busy_timeout = 10000");
  const reader = readerDb === undefined ? undefined : statementsOf(readerDb);
  const file = options.path === ":memory:" ? `:memory:${++memoryDatabases}` : resolve(options.path);
  return {
    engine: "sqlite",
    transaction<T>(body: (sql: Sql) => Promise<T>): Promise<T> {
      const tail = queues.get(file) ?? Promise.resolve();
      const next = tail.then(async () => {
        db.exec("BEGIN IMMEDIATE");
        try {
          const result = await body(sql);
          db.exec("COMMIT");
          return result;
        } catch (error) {
          if (db.inTransaction) db.exec("ROLLBACK");
          throw error;
        }
      });
      queues.set(
        file,
        next.catch(() => undefined),
      );
      return next;
    },
    read<T>(body: (sql: Sql) => Promise<T>): Promise<T> {
      if (reader !== undefined) return body(reader);
      // One in-memory connection: queued like a transaction, so a read never sees uncommitted rows.
      const tail = queues.get(file) ?? Promise.resolve();
      const next = tail.then(() => body(sql));
      queues.set(
        file,
        next.catch(() => undefined),
      );
      return next;
    },
    async close() {
      await queues.get(file);
      readerDb?.close();
      db.close();
    },
  };
}

/** Opens (and creates when missing) a SQLite store. */
export async function createSqliteStore(options: SqliteStoreOptions): Promise<Store> {
  const db = openSqlite(options);
  await migrate(db);
  return createSqlStore(db);
}
