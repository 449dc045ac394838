/** Reading what an issue is about, and replacing a stopped delivery's request, over SQL (roles/issue-subjects.ts). */
import type { Sql } from "../database.ts";
import type { IssueSubject } from "../roles/issue-subjects.ts";

const parsed = (text: unknown): unknown => (text === null || text === undefined ? null : (JSON.parse(String(text)) as unknown));

/** Reads the source payload and the target request of an issue. */
export async function readIssueSubject(sql: Sql, issueId: number): Promise<IssueSubject | undefined> {
  const [row] = await sql.all<Record<string, unknown>>(
    `SELECT issues.event_id, issues.delivery_id, events.route, events.payload, outbox.system, outbox.operation, outbox.params, outbox.body
       FROM issues LEFT JOIN events ON events.id = issues.event_id LEFT JOIN outbox ON outbox.id = issues.delivery_id
      WHERE issues.id = ?`,
    [issueId],
  );
  if (row === undefined) return undefined;
  const source = row["event_id"] === null || row["route"] === null ? null : { eventId: Number(row["event_id"]), route: String(row["route"]), payload: parsed(row["payload"]) };
  const request =
    row["delivery_id"] === null || row["system"] === null
      ? null
      : {
          deliveryId: Number(row["delivery_id"]),
          system: String(row["system"]),
          operation: String(row["operation"]),
          params: parsed(row["params"]) as Record<string, string> | null,
          body: parsed(row["body"]),
        };
  return { source, request };
}

/**
 * Replaces a delivery's request body with a person's correction and sends it again: the delivery
 * goes back to pending with its attempts reset, under the same idempotency key. Only a delivery
 * that stopped (exception or dead letter) is changed; false when there was none to change.
 */
export async function replaceRequest(sql: Sql, deliveryId: number, body: unknown, now: number): Promise<boolean> {
  const changed = await sql.run(
    "UPDATE outbox SET body = ?, status = 'pending', attempts = 0, lapses = 0, lapsed_from = NULL, available_at = ?, last_error = NULL WHERE id = ? AND status IN ('dead', 'exception')",
    [JSON.stringify(body ?? null), now, deliveryId],
  );
  return changed > 0;
}
