/** The issues role over SQL: dead letters and exceptions, gaps' exceptions, and people's actions on them. */
import { IssueStateError } from "../../errors.ts";
import { appendAudit, type PendingAudit } from "../audit-log.ts";
import { payloadHash } from "../batched.ts";
import type { Sql } from "../database.ts";
import type { GapClosure, GapOpened, Issue, IssueAction, IssueFilter, IssueStore, IssueTarget, NewGapIssue } from "../roles/issues.ts";
import { readIssueSubject, replaceRequest } from "./issue-subjects-sql.ts";
import type { SqlContext } from "./context.ts";
import { issueOf, type Row } from "./rows.ts";

/** The actor the audit log names for changes the reconciler makes. */
const RECONCILER = "reconciler";

/** Opens an issue in the transaction, audited. */
export async function openIssue(
  sql: Sql,
  audit: PendingAudit[],
  kind: Issue["kind"],
  target: IssueTarget,
  at: { route: string; eventId: number; deliveryId: number | null; attempts: number; payload: string; now: number; traceId: string | null; actor: string },
): Promise<number> {
  const [row] = await sql.all<{ id: number }>(
    `INSERT INTO issues (kind, queue, owner, route, event_id, delivery_id, reason, attempts, payload, created_at, status, reason_code)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', ?) RETURNING id`,
    [kind, target.queue, target.owner, at.route, at.eventId, at.deliveryId, target.reason, at.attempts, at.payload, at.now, target.code ?? null],
  );
  const id = Number(row?.id);
  audit.push({ at: at.now, actor: at.actor, action: `${kind}.opened`, subject: `issue:${id}`, traceId: at.traceId, detail: { queue: target.queue, reason: target.reason } });
  return id;
}

/** Why a person cannot retry or edit a gap's exception, and what to do instead. */
function gapRefusal(id: number, gap: { reconciliation: string; key: string }, action: "retry" | "edit"): string {
  const verb = action === "retry" ? "retry" : "edit and replay";
  return `issue ${id} is a reconciliation gap (${gap.reconciliation} ${gap.key}), not an event: there is nothing to ${verb}. Correct the records in the systems and it closes by itself at the next reconciliation, or skip it with a reason`;
}

/** Applies a person's action to an open issue (see `IssueStore.resolveIssue`). */
function resolveIssue(cx: SqlContext, action: IssueAction): Promise<Issue> {
  const { db, engine } = cx;
  return db.transaction(async (sql) => {
    const [row] = await sql.all<Row>(`SELECT * FROM issues WHERE id = ?${engine === "postgres" ? " FOR UPDATE" : ""}`, [action.issueId]);
    if (row === undefined) throw new IssueStateError(`there is no issue ${action.issueId}`);
    const issue = issueOf(row);
    if (issue.gap !== null && action.action !== "skip") throw new IssueStateError(gapRefusal(issue.id, issue.gap, action.action));
    if (issue.status !== "open") throw new IssueStateError(`issue ${issue.id} is already ${issue.status}`);
    const now = action.now;
    if (action.action === "edit" && action.target === "request") {
      if (issue.deliveryId === null || !(await replaceRequest(sql, issue.deliveryId, action.payload, now))) {
        throw new IssueStateError(`issue ${issue.id} holds no stopped delivery whose request could be edited; edit its source payload instead`);
      }
      sql.ready?.("deliveries");
    } else if (action.action === "edit") {
      sql.ready?.("events");
      await sql.run(
        "UPDATE events SET payload = ?, payload_hash = ?, revision = revision + 1, status = 'pending', available_at = ?, wait_until = NULL, attempts = 0 WHERE id = ?",
        [JSON.stringify(action.payload ?? null), payloadHash(action.payload), now, issue.eventId],
      );
    } else if (action.action === "retry") {
      // A person's retry is announced like any other work made ready: an idle worker takes it at once.
      if (issue.deliveryId !== null) {
        const retried = await sql.run(
          "UPDATE outbox SET status = 'pending', attempts = 0, lapses = 0, lapsed_from = NULL, available_at = ?, last_error = NULL WHERE id = ? AND status IN ('dead', 'exception')",
          [now, issue.deliveryId],
        );
        if (retried > 0) sql.ready?.("deliveries");
      } else {
        const retried = await sql.run(
          "UPDATE events SET status = 'pending', available_at = ?, wait_until = NULL WHERE id = ? AND status IN ('exception', 'rejected', 'routed', 'skipped')",
          [now, issue.eventId],
        );
        if (retried > 0) sql.ready?.("events");
      }
    }
    const status = { retry: "retried", edit: "replayed", skip: "skipped" }[action.action];
    const [updated] = await sql.all<Row>(
      "UPDATE issues SET status = ?, resolved_by = ?, resolution = ?, resolved_at = ? WHERE id = ? RETURNING *",
      [status, action.who, action.why, now, issue.id],
    );
    await appendAudit(sql, engine, [
      {
        at: now,
        actor: action.who,
        action: `issue.${status}`,
        subject: `issue:${issue.id}`,
        traceId: null,
        detail:
          issue.gap !== null
            ? { why: action.why, reconciliation: issue.gap.reconciliation, key: issue.gap.key }
            : action.action === "edit"
              ? { why: action.why, event: issue.eventId, edited: action.target === "request" ? `request of delivery ${issue.deliveryId}` : "source payload" }
              : { why: action.why, event: issue.eventId },
      },
    ]);
    return issueOf(updated as Row);
  });
}

/** Opens an exception for a reconciliation gap, or finds the one it has. */
function openGap(cx: SqlContext, gap: NewGapIssue): Promise<GapOpened> {
  const { db, engine } = cx;
  return db.transaction(async (sql): Promise<GapOpened> => {
    const current = () => sql.all<Row>("SELECT * FROM issues WHERE reconciliation = ? AND gap_key = ? AND gap_closed_at IS NULL", [gap.reconciliation, gap.key]);
    const [existing] = await current();
    if (existing !== undefined) return { issue: issueOf(existing), opened: false };
    // Another worker may open the same gap at the same moment: the unique index keeps one.
    const [inserted] = await sql.all<Row>(
      `INSERT INTO issues (kind, queue, owner, route, event_id, delivery_id, reason, attempts, payload, created_at, status, reconciliation, gap_key)
       VALUES ('exception', ?, ?, ?, NULL, NULL, ?, 0, ?, ?, 'open', ?, ?)
       ON CONFLICT (reconciliation, gap_key) WHERE reconciliation IS NOT NULL AND gap_closed_at IS NULL DO NOTHING RETURNING *`,
      [gap.queue, gap.owner, `reconciliation:${gap.reconciliation}`, gap.reason, JSON.stringify(gap.payload ?? null), gap.now, gap.reconciliation, gap.key],
    );
    if (inserted === undefined) {
      const [theirs] = await current();
      return { issue: issueOf(theirs as Row), opened: false };
    }
    const issue = issueOf(inserted);
    await appendAudit(sql, engine, [
      {
        at: gap.now,
        actor: gap.actor ?? RECONCILER,
        action: "exception.opened",
        subject: `issue:${issue.id}`,
        traceId: null,
        detail: { queue: gap.queue, reason: gap.reason, reconciliation: gap.reconciliation, key: gap.key },
      },
    ]);
    return { issue, opened: true };
  });
}

/** Records that a gap closed by itself. */
function closeGap(cx: SqlContext, closure: GapClosure): Promise<Issue | undefined> {
  const { db, engine } = cx;
  return db.transaction(async (sql) => {
    const [row] = await sql.all<Row>(
      `SELECT * FROM issues WHERE reconciliation = ? AND gap_key = ? AND gap_closed_at IS NULL${engine === "postgres" ? " FOR UPDATE" : ""}`,
      [closure.reconciliation, closure.key],
    );
    if (row === undefined) return undefined;
    const was = issueOf(row);
    const actor = closure.actor ?? RECONCILER;
    const [updated] =
      was.status === "open"
        ? await sql.all<Row>(
            "UPDATE issues SET status = 'closed', resolved_by = ?, resolution = ?, resolved_at = ?, gap_closed_at = ? WHERE id = ? RETURNING *",
            [actor, "the systems agree again", closure.now, closure.now, was.id],
          )
        : await sql.all<Row>("UPDATE issues SET gap_closed_at = ? WHERE id = ? RETURNING *", [closure.now, was.id]);
    const issue = issueOf(updated as Row);
    await appendAudit(sql, engine, [
      {
        at: closure.now,
        actor,
        action: "issue.closed",
        subject: `issue:${issue.id}`,
        traceId: null,
        detail: { reconciliation: closure.reconciliation, key: closure.key, status: issue.status },
      },
    ]);
    return issue;
  });
}

/** The issues role over `cx`. */
export function sqlIssues(cx: SqlContext): IssueStore {
  const { db } = cx;
  return {
    async listIssues(filter: IssueFilter = {}) {
      const where: string[] = [];
      const params: unknown[] = [];
      if (filter.kind !== undefined) where.push("kind = ?") && params.push(filter.kind);
      if (filter.queue !== undefined) where.push("queue = ?") && params.push(filter.queue);
      if (filter.status !== undefined) where.push("status = ?") && params.push(filter.status);
      const clause = where.length === 0 ? "" : ` WHERE ${where.join(" AND ")}`;
      const rows = await db.read((sql) => sql.all<Row>(`SELECT * FROM issues${clause} ORDER BY id`, params));
      return rows.map(issueOf);
    },
    async issue(id) {
      const rows = await db.read((sql) => sql.all<Row>("SELECT * FROM issues WHERE id = ?", [id]));
      return rows[0] === undefined ? undefined : issueOf(rows[0]);
    },
    issueSubject: (issueId) => db.read((sql) => readIssueSubject(sql, issueId)),
    resolveIssue: (action) => resolveIssue(cx, action),
    openGap: (gap) => openGap(cx, gap),
    closeGap: (closure) => closeGap(cx, closure),
    async currentGaps(reconciliation) {
      const rows = await db.read((sql) =>
        reconciliation === undefined
          ? sql.all<Row>("SELECT * FROM issues WHERE reconciliation IS NOT NULL AND gap_closed_at IS NULL ORDER BY id")
          : sql.all<Row>("SELECT * FROM issues WHERE reconciliation = ? AND gap_closed_at IS NULL ORDER BY id", [reconciliation]),
      );
      return rows.map(issueOf);
    },
  };
}
