/** The postings role over SQL: what each versioned record last posted to each target, newer versions only. */
import { appendAudit, type PendingAudit } from "../audit-log.ts";
import type { Sql } from "../database.ts";
import type { DeliveredRecord } from "../roles/inbox.ts";
import { type Posting, type PostingDelivery, type PostingStore, type VersionStanding, versionStanding, type Withdrawal } from "../roles/postings.ts";
import type { SqlContext } from "./context.ts";
import { columns } from "./rows.ts";

/** The posting of `identity` to `system`, locked for the transaction on PostgreSQL. */
async function postingIn(sql: Sql, forUpdate: string, route: string, identity: string, system: string): Promise<Posting | undefined> {
  const [found] = await sql.all(
    `SELECT version, body, target_id, posted_at, withdrawn FROM postings WHERE route = ? AND identity = ? AND system = ?${forUpdate}`,
    [route, identity, system],
  );
  if (found === undefined) return undefined;
  const row = columns("postings", found);
  const withdrawn = row.optionalText("withdrawn") as Withdrawal | null;
  return {
    route,
    identity,
    system,
    version: row.json<Posting["version"]>("version"),
    body: row.json<unknown>("body"),
    targetId: row.optionalText("target_id"),
    postedAt: row.int("posted_at"),
    ...(withdrawn !== null ? { withdrawn } : {}),
  };
}

/** The audit action of a posting kept: recorded, corrected, or taken back (reversed, voided). */
function auditAction(posting: Posting): string {
  if (posting.withdrawn !== undefined) return `posting.${posting.withdrawn}`;
  return posting.correction === undefined ? "posting.recorded" : "posting.corrected";
}

/**
 * Records a posting inside the caller's transaction unless the version is stale, and audits what
 * happened to it; the standing says which. A posting taken back keeps no body and no target id:
 * nothing stands posted for the record there.
 */
export async function recordPostingIn(cx: SqlContext, sql: Sql, audit: PendingAudit[], posting: Posting, actor: string, traceId: string | null): Promise<VersionStanding> {
  const before = await postingIn(sql, cx.forUpdate, posting.route, posting.identity, posting.system);
  const standing = versionStanding(posting.version, before?.version);
  const subject = `posting:${posting.route}:${posting.identity}:${posting.system}`;
  if (standing === "stale") {
    audit.push({ at: posting.postedAt, actor, action: "posting.stale", subject, traceId, detail: { version: posting.version, posted: before?.version } });
    return standing;
  }
  const withdrawn = posting.withdrawn ?? null;
  await sql.run(
    `INSERT INTO postings (route, identity, system, version, body, target_id, posted_at, withdrawn) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (route, identity, system) DO UPDATE SET version = excluded.version, body = excluded.body,
       target_id = CASE WHEN excluded.withdrawn IS NULL THEN COALESCE(excluded.target_id, postings.target_id) ELSE NULL END,
       posted_at = excluded.posted_at, withdrawn = excluded.withdrawn`,
    [posting.route, posting.identity, posting.system, JSON.stringify(posting.version), JSON.stringify(withdrawn === null ? (posting.body ?? null) : null), withdrawn === null ? posting.targetId : null, posting.postedAt, withdrawn],
  );
  const detail = {
    version: posting.version,
    targetId: withdrawn === null ? posting.targetId : null,
    ...(posting.correction !== undefined ? { correction: posting.correction } : {}),
    ...(before === undefined ? {} : { replaced: before.version, ...(before.targetId !== null ? { replacedTargetId: before.targetId } : {}) }),
  };
  audit.push({ at: posting.postedAt, actor, action: auditAction(posting), subject, traceId, detail });
  return standing;
}

/** Where the latest delivery that posted `identity` to `system` stands in the outbox. */
async function postingDeliveryIn(sql: Sql, route: string, identity: string, system: string): Promise<PostingDelivery | undefined> {
  const [found] = await sql.all<{ status: string }>(
    "SELECT status FROM outbox WHERE route = ? AND posting_identity = ? AND system = ? ORDER BY id DESC LIMIT 1",
    [route, identity, system],
  );
  if (found === undefined) return undefined;
  if (found.status === "delivered") return "delivered";
  return found.status === "pending" || found.status === "processing" ? "open" : "failed";
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
    postingDelivery: (route, identity, system) => cx.db.read((sql) => postingDeliveryIn(sql, route, identity, system)),
  };
}

/** A delivered delivery of a versioned record, as the outbox holds it. */
export interface DeliveredPosting {
  route: string;
  system: string;
  posting: DeliveredRecord | null;
  body: unknown;
  targetId: string | null;
  traceId: string;
}

/**
 * Keeps, in the settling transaction, the postings its delivered deliveries made: the request
 * body, or what the delivery says to keep in its place (an adjustment keeps the posting it stands
 * for); a reversal keeps that nothing stands posted.
 */
export async function recordDeliveredPostings(cx: SqlContext, sql: Sql, audit: PendingAudit[], delivered: readonly DeliveredPosting[], now: number, actor: string): Promise<void> {
  for (const d of delivered) {
    if (d.posting === null) continue;
    const { identity, version, withdrawn, correction } = d.posting;
    const body = "body" in d.posting ? d.posting.body : d.body;
    const posting: Posting = {
      route: d.route,
      system: d.system,
      identity,
      version,
      body,
      targetId: d.targetId,
      postedAt: now,
      ...(withdrawn !== undefined ? { withdrawn } : {}),
      ...(correction !== undefined ? { correction } : {}),
    };
    await recordPostingIn(cx, sql, audit, posting, actor, d.traceId);
  }
}
