/** The references role over SQL: cross-references (recording one wakes its waiters) and reference data. */
import { appendAudit, type PendingAudit } from "../audit-log.ts";
import type { Sql } from "../database.ts";
import type { ReferenceStore } from "../roles/references.ts";
import type { SqlContext } from "./context.ts";
import { lockDependencies } from "./xrefs.ts";

/** Wakes the events waiting for a dependency. */
async function wake(sql: Sql, entity: string, system: string, key: string, now: number): Promise<void> {
  const woken = await sql.run(
    "UPDATE events SET status = 'pending', available_at = ? WHERE status = 'waiting' AND wait_entity = ? AND wait_system = ? AND wait_key = ?",
    [now, entity, system, key],
  );
  if (woken > 0) sql.ready?.("events");
}

/** Records a cross-reference and wakes its waiters; audited here unless `audit` is undefined (the caller's row says it). */
async function putXrefIn(cx: SqlContext, sql: Sql, audit: PendingAudit[] | undefined, x: { entity: string; fromSystem: string; fromId: string; toSystem: string; toId: string }, now: number, traceId: string | null, actor: string) {
  await lockDependencies(sql, cx.engine, [{ entity: x.entity, system: x.toSystem, key: x.fromId }]);
  await sql.run(
    `INSERT INTO xref (entity, from_system, from_id, to_system, to_id) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (entity, to_system, from_id, from_system) DO UPDATE SET to_id = excluded.to_id`,
    [x.entity, x.fromSystem, x.fromId, x.toSystem, x.toId],
  );
  await wake(sql, x.entity, x.toSystem, x.fromId, now);
  audit?.push({ at: now, actor, action: "xref.recorded", subject: `xref:${x.entity}:${x.fromSystem}:${x.fromId}`, traceId, detail: { toSystem: x.toSystem, toId: x.toId } });
}

/** The references role over `cx`. */
export function sqlReferences(cx: SqlContext): ReferenceStore {
  const { db, engine } = cx;
  return {
    async findXref(entity, toSystem, fromId, fromSystem) {
      const rows = await db.read((sql) =>
        fromSystem === undefined
          ? sql.all<{ to_id: string }>("SELECT to_id FROM xref WHERE entity = ? AND to_system = ? AND from_id = ? LIMIT 1", [entity, toSystem, fromId])
          : sql.all<{ to_id: string }>("SELECT to_id FROM xref WHERE entity = ? AND to_system = ? AND from_id = ? AND from_system = ?", [entity, toSystem, fromId, fromSystem]),
      );
      if (rows[0] !== undefined || fromSystem === undefined) return rows[0]?.to_id;
      // A cross-reference links two ids both ways: the ERP's id of a PSA project names that project.
      const back = await db.read((sql) =>
        sql.all<{ from_id: string }>("SELECT from_id FROM xref WHERE entity = ? AND from_system = ? AND to_system = ? AND to_id = ? ORDER BY from_id LIMIT 1", [entity, toSystem, fromSystem, fromId]),
      );
      return back[0]?.from_id;
    },
    putXref(entity, fromSystem, fromId, toSystem, toId, now) {
      return db.transaction(async (sql) => {
        const audit: PendingAudit[] = [];
        await putXrefIn(cx, sql, audit, { entity, fromSystem, fromId, toSystem, toId }, now, null, "operator");
        await appendAudit(sql, engine, audit);
      });
    },
    async referenceData(entity, key) {
      const rows = await db.read((sql) => sql.all<{ value: string }>("SELECT value FROM reference_data WHERE entity = ? AND key = ?", [entity, key]));
      return rows[0] === undefined ? undefined : (JSON.parse(rows[0].value) as unknown);
    },
    async putReferenceData(entity, key, value) {
      await db.transaction((sql) =>
        sql.run("INSERT INTO reference_data (entity, key, value) VALUES (?, ?, ?) ON CONFLICT (entity, key) DO UPDATE SET value = excluded.value", [entity, key, JSON.stringify(value)]),
      );
    },
  };
}
