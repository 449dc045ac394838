/**
 * The little SQL surface the store is written against, so one implementation of the contract runs
 * on both engines. Statements use `?` placeholders (rewritten to `$n` for PostgreSQL) and
 * `/*lock*\/` where PostgreSQL takes `FOR UPDATE SKIP LOCKED`.
 */

/** Work a transaction made ready for any worker: events to lease, or deliveries. */
export type WorkKind = "events" | "deliveries";

/** Statements inside one transaction. */
export interface Sql {
  all<T = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<T[]>;
  run(text: string, params?: readonly unknown[]): Promise<number>;
  /**
   * Says that this transaction leaves work ready for any worker: once it commits, the store wakes
   * the idle workers of every process (PostgreSQL's NOTIFY). Absent where no other process waits.
   */
  ready?(work: WorkKind): void;
}

/** A connection (or pool) that runs transactions. */
export interface Database {
  readonly engine: "sqlite" | "postgres";
  /** Runs `body` in one transaction: BEGIN IMMEDIATE on SQLite, READ COMMITTED on PostgreSQL. */
  transaction<T>(body: (sql: Sql) => Promise<T>): Promise<T>;
  /** Runs read-only statements without taking the write lock. */
  read<T>(body: (sql: Sql) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
