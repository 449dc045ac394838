/**
 * The quotas role over SQL: one token bucket per system and one count of concurrency slots per
 * system and holder, each changed under a lock so that workers sharing the store never both take
 * the same token or slot.
 */
import type { QuotaStore } from "../roles/quotas.ts";
import type { SqlContext } from "./context.ts";

/** The quotas role over `cx`. */
export function sqlQuotas(cx: SqlContext): QuotaStore {
  const { db, engine } = cx;
  return {
    takeQuota(request) {
      return db.transaction(async (sql) => {
        const { system, want, now, requestsPerMinute, burst } = request;
        await sql.run("INSERT INTO quotas (system, tokens, updated_at) VALUES (?, ?, ?) ON CONFLICT (system) DO NOTHING", [system, burst, now]);
        const [row] = await sql.all<{ tokens: number; updated_at: number }>(`SELECT tokens, updated_at FROM quotas WHERE system = ?${engine === "postgres" ? " FOR UPDATE" : ""}`, [system]);
        const last = Number(row?.updated_at ?? now);
        // Clocks of several machines disagree a little: time never runs backwards for the bucket.
        const at = Math.max(now, last);
        const tokens = Math.min(burst, Number(row?.tokens ?? burst) + ((at - last) * requestsPerMinute) / 60_000);
        const taken = Math.max(0, Math.min(want, Math.floor(tokens)));
        await sql.run("UPDATE quotas SET tokens = ?, updated_at = ? WHERE system = ?", [tokens - taken, at, system]);
        return taken;
      });
    },
    takeSlots(request) {
      return db.transaction(async (sql) => {
        const { system, holder, want, holding, limit, now, holdMs } = request;
        // Workers take slots concurrently on PostgreSQL: the system's slots are locked first, so two
        // never both count the same free slot. SQLite has one writer at a time.
        if (engine === "postgres") await sql.all("SELECT pg_advisory_xact_lock(hashtext(?))", [`slots|${system}`]);
        await sql.run("DELETE FROM slots WHERE system = ? AND until <= ?", [system, now]);
        const [row] = await sql.all<{ held: number }>("SELECT COALESCE(SUM(held), 0) AS held FROM slots WHERE system = ? AND holder <> ?", [system, holder]);
        const others = Number(row?.held ?? 0);
        const taken = Math.max(0, Math.min(want, limit - others - holding));
        await sql.run(
          "INSERT INTO slots (system, holder, held, until) VALUES (?, ?, ?, ?) ON CONFLICT (system, holder) DO UPDATE SET held = excluded.held, until = excluded.until",
          [system, holder, holding + taken, now + holdMs],
        );
        return taken;
      });
    },
    async returnSlots(request) {
      // A return counts down from what is held, while a take sets what is held from the worker's own
      // count: should one worker's take and return commit out of order, the count errs high (the cap
      // stricter) until its next take sets it right, never low.
      await db.transaction(async (sql) => {
        const { system, holder, count, now } = request;
        await sql.run("UPDATE slots SET held = held - ? WHERE system = ? AND holder = ? AND until > ?", [count, system, holder, now]);
        await sql.run("DELETE FROM slots WHERE system = ? AND holder = ? AND held <= 0", [system, holder]);
      });
    },
  };
}
