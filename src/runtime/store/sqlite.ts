/**
 * The embedded store: one SQLite file in WAL mode. Every transaction asked for while the previous
 * commit was being written runs inside one BEGIN IMMEDIATE ... COMMIT (group commit), each in its
 * own savepoint so that one that fails rolls back alone. Intake, settlements and leases of the
 * processing and delivery loops thus share one fsync, and each caller hears of its transaction
 * only once that commit is durable.
 */
import { type FileHandle, open } from "node:fs/promises";
import { resolve } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import type { Database, Sql } from "./database.ts";
import { createSqlStore, migrate } from "./sql-store.ts";
import type { Store } from "./store.ts";
import { serveStore, threadedStore } from "./store-thread.ts";

/** Options of the SQLite store. */
export interface SqliteStoreOptions {
  /** The database file; `:memory:` for tests that need no durability. */
  path: string;
  /**
   * `full` (default) syncs the WAL on every commit: an acknowledged event survives power loss.
   * `normal` syncs at checkpoints: it survives a process crash (kill -9) but not power loss.
   */
  durability?: "full" | "normal";
  /**
   * Runs the database on a worker thread (the default for files), so that the fsync of each commit
   * does not stall the thread that processes events and calls targets. `:memory:` stores, which
   * have nothing to sync, stay on the caller's thread.
   */
  thread?: boolean;
  /** How long a transaction waits for another process's write lock before it fails (default 10 s). */
  busyTimeoutMs?: number;
}

type Statement = BetterSqlite3.Statement<unknown[], unknown>;

/**
 * Commits queue per file across every connection in this process: a second connection's
 * BEGIN IMMEDIATE would otherwise block the thread that must finish the first one's transaction.
 */
const queues = new Map<string, Promise<unknown>>();

/** A transaction waiting for the next group commit. */
interface Job {
  body(sql: Sql): Promise<unknown>;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };
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

/**
 * Runs `flush` for callers that each need a flush begun after they asked: `request()` resolves
 * once such a flush has finished. Requests made while one runs share the next; at most one runs.
 */
export function coalesced(flush: () => Promise<void>): { request(): Promise<void>; settled(): Promise<void> } {
  let running: Promise<void> | undefined;
  let next: Promise<void> | undefined;
  const request = (): Promise<void> => {
    if (next !== undefined) return next;
    if (running === undefined) {
      running = flush().finally(() => {
        running = undefined;
      });
      return running;
    }
    next = running
      .catch(() => undefined)
      .then(() => {
        next = undefined;
        return request();
      });
    return next;
  };
  return {
    request,
    async settled() {
      await Promise.allSettled([running, next]);
    },
  };
}

/** Makes a database file's commits durable: `sync()` covers every commit written before the call. */
export interface WalSync {
  sync(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Syncs a WAL file to disk off the calling thread, for commits made with `synchronous = NORMAL`.
 * The file is opened for writing: some systems refuse to flush a file opened only for reading.
 */
function walSync(path: string): WalSync {
  let file: FileHandle | undefined;
  const flushes = coalesced(async () => {
    // Opened at the first commit, when the WAL file exists; it lasts as long as this connection.
    file ??= await open(path, "r+");
    await file.datasync();
  });
  return {
    sync: flushes.request,
    async close() {
      await flushes.settled();
      await file?.close();
      file = undefined;
    },
  };
}

/** Sets the writer connection up: page size, WAL, how commits are synced, caches. */
function configure(db: BetterSqlite3.Database, options: SqliteStoreOptions): void {
  // 16 KiB pages for a new file (one that exists keeps its own): each commit writes every page it
  // changed to the log, and the queue's rows and indexes change in the same few places, so fewer,
  // larger pages mean fewer frames. Measured on the runtime benchmark: the store's thread spends
  // about 8% less per event than with the default 4 KiB.
  db.pragma("page_size = 16384");
  db.pragma("journal_mode = WAL");
  // A file's commits are made durable by `syncWal`, off this thread, rather than by SQLite's own
  // sync inside COMMIT (`synchronous = FULL`), which would hold the writer for every fsync. NORMAL
  // is still safe in WAL mode: a power loss can lose the last commits, never corrupt the file.
  db.pragma("synchronous = NORMAL");
  db.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 10_000))}`);
  // 32 MiB of page cache (the default is 2): the indexes written at random places (idempotency
  // keys, trace ids from outside) stay in memory for longer. A fixed size: memory stays flat.
  db.pragma("cache_size = -32768");
  // The writer's scratch tables (rows a RETURNING clause gives back, multi-row VALUES, the sort of a
  // lease query) stay in memory instead of temporary files: each holds a batch at most. About 7%
  // less time per event on the store's thread. The reader keeps the default: the dashboard's reads
  // of the newest audit rows may sort hundreds of thousands of them.
  db.pragma("temp_store = MEMORY");
}

/**
 * Opens the database; `syncWal` makes a file's commits durable (replaced in tests, to hold a sync
 * and watch who waits for it).
 */
export function openSqlite(options: SqliteStoreOptions, syncWal: (path: string) => WalSync = walSync): Database {
  const db = new BetterSqlite3(options.path);
  configure(db, options);
  const sql = statementsOf(db);
  // Reads go to a second, read-only connection: WAL lets it see the last commit at once,
  // without waiting behind the writer's queue and without seeing its uncommitted rows.
  const readerDb = options.path === ":memory:" ? undefined : new BetterSqlite3(options.path, { readonly: true });
  readerDb?.pragma("busy_timeout = 10000");
  const reader = readerDb === undefined ? undefined : statementsOf(readerDb);
  const file = options.path === ":memory:" ? `:memory:${++memoryDatabases}` : resolve(options.path);
  const savepoint = db.prepare("SAVEPOINT job");
  const release = db.prepare("RELEASE job");
  const rollbackTo = db.prepare("ROLLBACK TO job");
  let waiting: Job[] = [];
  let queued = false;
  const durable = options.path !== ":memory:" && options.durability !== "normal" ? syncWal(`${file}-wal`) : undefined;
  // Once a sync has failed, the pages it should have written may be lost even if a later sync
  // succeeds: the store takes no more transactions rather than acknowledge what may not last.
  let unsynced: Error | undefined;

  /** Runs every waiting job in one transaction; resolves each job once the commit is durable. */
  async function commitGroup(): Promise<void> {
    const jobs = waiting;
    waiting = [];
    queued = false;
    const outcomes: Outcome[] = [];
    const fail = (error: unknown) => {
      for (const job of jobs) job.reject(error);
    };
    try {
      // Inside the try: a BEGIN that fails (the file locked by another process past the busy
      // timeout, or the store closed) fails every job of the group instead of leaving it waiting.
      db.exec("BEGIN IMMEDIATE");
      for (const job of jobs) {
        savepoint.run();
        try {
          outcomes.push({ ok: true, value: await job.body(sql) });
          release.run();
        } catch (error) {
          rollbackTo.run();
          release.run();
          outcomes.push({ ok: false, error });
        }
      }
      db.exec("COMMIT");
    } catch (error) {
      try {
        if (db.open && db.inTransaction) db.exec("ROLLBACK");
      } finally {
        fail(error);
      }
      return;
    }
    const answer = () =>
      jobs.forEach((job, i) => {
        const outcome = outcomes[i] as Outcome;
        if (outcome.ok) job.resolve(outcome.value);
        else job.reject(outcome.error);
      });
    // The next group starts at once; this one's callers hear of it once the WAL is on disk.
    if (durable === undefined) answer();
    else
      durable.sync().then(
        // A sync that failed before this one may have lost this group's pages too.
        () => (unsynced === undefined ? answer() : fail(unsynced)),
        (error: unknown) => {
          unsynced ??= new Error(`the store's commits may not be durable: syncing the write-ahead log failed: ${error instanceof Error ? error.message : String(error)}`);
          fail(unsynced);
        },
      );
  }

  return {
    engine: "sqlite",
    transaction<T>(body: (sql: Sql) => Promise<T>): Promise<T> {
      return new Promise<T>((resolveJob, rejectJob) => {
        if (unsynced !== undefined) {
          rejectJob(unsynced);
          return;
        }
        waiting.push({ body, resolve: resolveJob as (value: unknown) => void, reject: rejectJob });
        if (queued) return;
        queued = true;
        // The group closes when its turn comes, and no sooner than the calls already received
        // (on a store's thread, the messages waiting on its port) have joined it.
        const turn = () => new Promise<void>((ready) => setImmediate(ready)).then(commitGroup);
        const next = (queues.get(file) ?? Promise.resolve()).then(turn);
        queues.set(
          file,
          next.catch(() => undefined),
        );
      });
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
      const last = queues.get(file);
      await last;
      if (queues.get(file) === last) queues.delete(file);
      await durable?.close();
      readerDb?.close();
      db.close();
    },
  };
}

/**
 * A read-only connection to a store's file, for reads on a thread other than the store's: it sees
 * the last commit, as the store's own reader does. It takes no transactions, and never waits for a
 * busy file: the caller asks the store's thread instead.
 */
function openSqliteReader(path: string): Database {
  const db = new BetterSqlite3(path, { readonly: true });
  // Reads on this thread block it: a busy file is left to the store's thread rather than waited for.
  db.pragma("busy_timeout = 0");
  const sql = statementsOf(db);
  return {
    engine: "sqlite",
    transaction: () => Promise.reject(new Error("a store's read-only connection takes no transactions")),
    read: (body) => body(sql),
    async close() {
      db.close();
    },
  };
}

/** Opens (and creates when missing) a SQLite store. */
export async function createSqliteStore(options: SqliteStoreOptions): Promise<Store> {
  if (options.thread ?? options.path !== ":memory:") {
    const path = options.path === ":memory:" ? options.path : resolve(options.path);
    const settings: SqliteStoreOptions = {
      path,
      durability: options.durability ?? "full",
      thread: false,
      ...(options.busyTimeoutMs === undefined ? {} : { busyTimeoutMs: options.busyTimeoutMs }),
    };
    // The lookups that routing waits on are read here, on the caller's thread: through the store's
    // thread they would wait behind whatever commit it is writing, and processing with them.
    const lookups =
      path === ":memory:"
        ? undefined
        : () => {
            const reader = openSqliteReader(path);
            return { store: createSqlStore(reader), close: () => reader.close() };
          };
    return threadedStore(new URL("./sqlite-thread.mjs", import.meta.url), settings, "sqlite", lookups);
  }
  const db = openSqlite(options);
  await migrate(db);
  return createSqlStore(db);
}

/** The worker thread's side of a threaded SQLite store. */
export function serveSqliteStore(options: SqliteStoreOptions): Promise<void> {
  return serveStore(() => createSqliteStore({ ...options, thread: false }));
}
