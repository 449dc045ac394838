/** Creating the store's tables, and bringing an older store's tables up to date. */
import { GENESIS_HASH } from "../canonical-json.ts";
import type { Database, Sql } from "../database.ts";
import { ADDED_COLUMNS, ADDED_INDEXES, issuesTable, RELAXED_COLUMNS, schemaStatements } from "../schema.ts";
import { stateSchemaStatements } from "./state-sql.ts";

/** Lets a column that an older store declared NOT NULL hold null, keeping every row. */
async function relaxColumn(sql: Sql, engine: "sqlite" | "postgres", table: "issues", column: string): Promise<boolean> {
  if (engine === "postgres") {
    const [found] = await sql.all<{ is_nullable: string }>(
      "SELECT is_nullable FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ? AND column_name = ?",
      [table, column],
    );
    if (found?.is_nullable !== "NO") return false;
    await sql.run(`ALTER TABLE ${table} ALTER COLUMN ${column} DROP NOT NULL`);
    return true;
  }
  const columns = await sql.all<{ name: string; notnull: number }>(`PRAGMA table_info(${table})`);
  if (!columns.some((c) => c.name === column && Number(c.notnull) === 1)) return false;
  // SQLite cannot drop a constraint: the rows move to a table declared as it is now, ids and all.
  const names = columns.map((c) => c.name).join(", ");
  await sql.run(issuesTable("sqlite", `${table}_relaxed`, false));
  await sql.run(`INSERT INTO ${table}_relaxed (${names}) SELECT ${names} FROM ${table}`);
  await sql.run(`DROP TABLE ${table}`);
  await sql.run(`ALTER TABLE ${table}_relaxed RENAME TO ${table}`);
  return true;
}

/** Creates the tables when missing and brings an older store's tables up to date, in one transaction. */
export async function migrate(db: Database): Promise<void> {
  await db.transaction(async (sql) => {
    for (const statement of schemaStatements(db.engine)) await sql.run(statement);
    for (const { table, column, type } of ADDED_COLUMNS) {
      if (db.engine === "postgres") {
        await sql.run(`ALTER TABLE ${table} ADD COLUMN IF NOT EXISTS ${column} ${type}`);
      } else if (!(await sql.all<{ name: string }>(`PRAGMA table_info(${table})`)).some((c) => c.name === column)) {
        await sql.run(`ALTER TABLE ${table} ADD COLUMN ${column} ${type}`);
      }
    }
    let rebuilt = false;
    for (const { table, column } of RELAXED_COLUMNS) rebuilt = (await relaxColumn(sql, db.engine, table, column)) || rebuilt;
    // A table copied without its constraint lost its indexes: create them again.
    if (rebuilt) for (const statement of schemaStatements(db.engine)) await sql.run(statement);
    for (const statement of ADDED_INDEXES) await sql.run(statement);
    for (const statement of stateSchemaStatements()) await sql.run(statement);
    await sql.run("INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, ?) ON CONFLICT (id) DO NOTHING", [GENESIS_HASH]);
  });
}
