/** The sources role over SQL: polling cursors and the message ids intake has taken. */
import type { SourceStore } from "../roles/sources.ts";
import type { SqlContext } from "./context.ts";

/** The sources role over `cx`. */
export function sqlSources(cx: SqlContext): SourceStore {
  const { db } = cx;
  return {
    async cursor(name) {
      const rows = await db.read((sql) => sql.all<{ value: string }>("SELECT value FROM cursors WHERE name = ?", [name]));
      return rows[0]?.value;
    },
    async setCursor(name, value) {
      await db.transaction((sql) => sql.run("INSERT INTO cursors (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value", [name, value]));
    },
    async messageHashes(scope, ids) {
      if (ids.length === 0) return [];
      return await db.read(async (sql) => {
        const found: { id: string; hash: string }[] = [];
        for (const id of ids) {
          const rows = await sql.all<{ hash: string }>("SELECT hash FROM message_ids WHERE scope = ? AND id = ?", [scope, id]);
          if (rows[0] !== undefined) found.push({ id, hash: rows[0].hash });
        }
        return found;
      });
    },
    async recordMessages(scope, messages, now) {
      if (messages.length === 0) return;
      await db.transaction(async (sql) => {
        for (const { id, hash } of messages) {
          await sql.run("INSERT INTO message_ids (scope, id, hash, at) VALUES (?, ?, ?, ?) ON CONFLICT (scope, id) DO NOTHING", [scope, id, hash, now]);
        }
      });
    },
  };
}
