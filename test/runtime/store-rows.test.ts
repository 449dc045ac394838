import { describe, expect, it } from "vitest";
import { columns, deliveryOf, eventOf, issueOf } from "../../src/runtime/store/sql/rows.ts";

describe("rows read back from the store", () => {
  it("reads integers PostgreSQL gives as strings and SQLite as numbers alike", () => {
    expect(columns("events", { id: "42" }).int("id")).toBe(42);
    expect(columns("events", { id: 42 }).int("id")).toBe(42);
    expect(columns("events", { id: 42n }).int("id")).toBe(42);
    expect(columns("events", { wait_until: null }).optionalInt("wait_until")).toBeNull();
  });

  it("names the table and column of a value of the wrong type", () => {
    expect(() => columns("events", { trace_id: 7 }).text("trace_id")).toThrow("the store's events.trace_id is a number, not text");
    expect(() => columns("outbox", {}).int("attempts")).toThrow("the store's outbox.attempts is missing, not an integer");
    expect(() => columns("issues", { status: "lost" }).oneOf("status", ["open", "closed"])).toThrow('the store\'s issues.status is "lost", not one of open, closed');
  });

  it("decodes a leased event, a leased delivery and an issue into their typed shapes", () => {
    const event = eventOf({
      id: "3",
      route: "r",
      idem_key: "k",
      payload: '{"a":1}',
      ordering_key: null,
      source: "psa.x",
      trace_id: "t",
      received_at: "1000",
      attempts: 1,
      wait_until: null,
      revision: 0,
    });
    expect(event).toEqual({ id: 3, route: "r", key: "k", payload: { a: 1 }, orderingKey: null, source: "psa.x", traceId: "t", receivedAt: 1000, attempt: 1, revision: 0, waitUntil: null });
    const delivery = deliveryOf({
      id: 9,
      event_id: 3,
      route: "r",
      step: "s",
      system: "erp",
      operation: "op",
      idem_key: "i",
      body: "null",
      params: '{"id":"7"}',
      trace_id: "t",
      attempts: 2,
      tries: 1,
      lapsed_from: "w1",
      xref: null,
    });
    expect(delivery).toMatchObject({ id: 9, params: { id: "7" }, tries: 1, takenOverFrom: "w1", xref: null, body: null });
    const issue = issueOf({
      id: 1,
      kind: "exception",
      queue: "q",
      owner: "o",
      route: "reconciliation:time",
      event_id: null,
      delivery_id: null,
      reconciliation: "time",
      gap_key: "p=1",
      gap_closed_at: null,
      reason: "differs",
      attempts: 0,
      payload: "{}",
      created_at: 5,
      status: "open",
      resolved_by: null,
      resolution: null,
    });
    expect(issue).toMatchObject({ subject: "reconciliation:time:p=1", gap: { reconciliation: "time", key: "p=1", closedAt: null }, status: "open" });
  });

  it("refuses an issue of a kind the store does not know", () => {
    expect(() => issueOf({ id: 1, kind: "warning" })).toThrow('the store\'s issues.kind is "warning", not one of dead-letter, exception');
  });
});
