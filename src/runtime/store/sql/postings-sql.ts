/** The postings role over SQL: what each versioned record last posted to each target, newer versions only. */
import { appendAudit, type PendingAudit } from "../audit-log.ts";
import type { Sql } from "../database.ts";
import { type Posting, type PostingStore, type VersionStanding, versionStanding } from "../roles/postings.ts";
import type { SqlContext } from "./context.ts";
import { columns } from "./rows.ts";

/** The posting of `identity` to `system`, locked for the transaction on PostgreSQL. */
async function postingIn(sql: Sql, forUpdate: string, route: string, identity: string, system: string): Promise<Posting | undefined> {
  const [found] = await sql.all(
    `SELECT version, body, target_id, posted_at FROM postings WHERE route = ? AND identity = ? AND system = ?${forUpdate}`,
    [route, identity, system],
  );
  if (found === undefined) return undefined;
  const row = columns("postings", found);
  return { route, identity, system, version: row.json<Posting["version"]>("version"), body: row.json<unknown>("body"), targetId: row.optionalText("target_id"), postedAt: row.int("posted_at") };
}

/**
 * Records a posting inside the caller's transaction unless the version is stale, and audits what
 * happened to it; the standing says which.
 */
export async function recordPostingIn(cx: SqlContext, sql: Sql, audit: PendingAudit[], posting: Posting, actor: string, traceId: string | null): Promise<VersionStanding> {
  const before = await postingIn(sql, cx.forUpdate, posting.route, posting.identity, posting.system);
  const standing = versionStanding(posting.version, before?.version);
  const subject = `posting:${posting.route}:${posting.identity}:${posting.system}`;
  if (standing === "stale") {
    audit.push({ at: posting.postedAt, actor, action: "posting.stale", subject, traceId, detail: { version: posting.version, posted: before?.version } });
    return standing;
  }
  await sql.run(
    `INSERT INTO postings (route, identity, system, version, body, target_id, posted_at) VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (route, identity, system) DO UPDATE SET version = excluded.version, body = excluded.body,
       target_id = COALESCE(excluded.target_id, postings.target_id), posted_at = excluded.posted_at`,
    [posting.route, posting.identity, posting.system, JSON.stringify(posting.version), JSON.stringify(posting.body ?? null), posting.targetId, posting.postedAt],
  );
  audit.push({ at: posting.postedAt, actor, action: "posting.recorded", subject, traceId, detail: { version: posting.version, targetId: posting.targetId, ...(before === undefined ? {} : { replaced: before.version }) } });
  return standing;
}

/** The postings role over `cx`. */
export function sqlPostings(cx: SqlContext): PostingStore {
  return {
    findPosting: (route, identity, system) => cx.db.read((sql) => postingIn(sql, "", route, identity, system)),
    recordPosting: (posting) =>
      cx.db.transaction(async (sql) => {
        const audit: PendingAudit[] = [];
        const standing = await recordPostingIn(cx, sql, audit, posting, "operator", null);
        await appendAudit(sql, cx.engine, audit);
        return standing;
      }),
  };
}

/** A delivered delivery of a versioned record, as the outbox holds it. */
export interface DeliveredPosting {
  route: string;
  system: string;
  posting: { identity: string; version: Posting["version"] } | null;
  body: unknown;
  targetId: string | null;
  traceId: string;
}

/** Keeps, in the settling transaction, the postings its delivered deliveries made. */
export async function recordDeliveredPostings(cx: SqlContext, sql: Sql, audit: PendingAudit[], delivered: readonly DeliveredPosting[], now: number, actor: string): Promise<void> {
  for (const d of delivered) {
    if (d.posting === null) continue;
    const posting = { route: d.route, system: d.system, identity: d.posting.identity, version: d.posting.version, body: d.body, targetId: d.targetId, postedAt: now };
    await recordPostingIn(cx, sql, audit, posting, actor, d.traceId);
  }
}
