/**
 * A person's action on an issue announces the work it makes ready, on the real PostgreSQL server:
 * the retried delivery, the retried event and the replaced request reach another worker's store at
 * once (LISTEN/NOTIFY), not at its next poll.
 */
import { afterAll, describe, expect, it } from "vitest";
import { createPostgresStore, dropPostgresSchema, postgresAvailability } from "../../src/runtime/store/postgres.ts";
import type { IncomingEvent, Store, WorkKind } from "../../src/runtime/store/store.ts";
import { shouldRun } from "../../src/testing/environment.ts";
import { PG_URL, uniqueSchema } from "./postgres-env.ts";

const available = shouldRun("PostgreSQL", await postgresAvailability(PG_URL));

const event = (key: string): IncomingEvent => ({
  route: "time-to-revenue",
  key,
  payload: { key },
  source: "psa.timeApproved",
  traceId: `trace-${key}`,
  exceptions: { queue: "time-exceptions", owner: "finance-ops" },
});

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.runIf(available)("a person's action on an issue, with workers on PostgreSQL", () => {
  const stores: Store[] = [];
  const schemas: string[] = [];
  afterAll(async () => {
    for (const store of stores) await store.close();
    for (const schema of schemas) await dropPostgresSchema(PG_URL, schema);
  });

  /** The operator's store and an idle worker's store on one schema, with what the worker hears. */
  async function pair() {
    const schema = uniqueSchema("operator");
    schemas.push(schema);
    const operator = await createPostgresStore({ connectionString: PG_URL, schema, poolSize: 2 });
    const worker = await createPostgresStore({ connectionString: PG_URL, schema, poolSize: 2 });
    stores.push(operator, worker);
    const heard: WorkKind[] = [];
    worker.watchWork?.((work) => heard.push(...work));
    /** What the worker hears within a second of `action`, once what came before has died down. */
    const hears = async (action: () => Promise<unknown>): Promise<WorkKind[]> => {
      await pause(200);
      heard.length = 0;
      await action();
      const deadline = Date.now() + 1000;
      while (heard.length === 0 && Date.now() < deadline) await pause(10);
      return [...new Set(heard)].sort();
    };
    return { operator, hears };
  }

  it("announces a dead letter retried, and a stopped request replaced, as deliveries ready", async () => {
    const { operator, hears } = await pair();
    await operator.accept([event("t1"), event("t2")], 1000);
    const leased = await operator.claimEvents({ worker: "w1", limit: 10, now: 1000, leaseMs: 1000 });
    await operator.settleEvents(
      leased.map((e) => ({
        eventId: e.id,
        attempt: e.attempt,
        worker: "w1",
        now: 1001,
        outcome: "routed" as const,
        deliveries: [{ step: "cost", system: "erp", operation: "postCostJournal", idempotencyKey: `k-${e.key}`, body: { key: e.key } }],
      })),
    );
    const claimed = await operator.claimDeliveries({ worker: "w1", limit: 10, now: 1002, leaseMs: 1000 });
    expect(claimed).toHaveLength(2);
    const issue = { queue: "time-dlq", owner: "finance-ops", reason: "erp answered 503 four times" };
    await operator.settleDeliveries(claimed.map((d) => ({ deliveryId: d.id, attempt: d.attempt, worker: "w1", now: 1003, outcome: "dead" as const, issue })));
    const [first, second] = await operator.listIssues({ kind: "dead-letter", status: "open" });
    if (first === undefined || second === undefined) throw new Error("both deliveries should be dead letters");
    expect(await hears(() => operator.resolveIssue({ issueId: first.id, who: "ana", why: "erp is back", now: 2000, action: "retry" }))).toEqual(["deliveries"]);
    const edit = { issueId: second.id, who: "ana", why: "the amount was wrong", now: 2000, action: "edit" as const, target: "request" as const, payload: { key: "t2", amount: 5 } };
    expect(await hears(() => operator.resolveIssue(edit))).toEqual(["deliveries"]);
  });

  it("announces an exception retried as an event ready", async () => {
    const { operator, hears } = await pair();
    await operator.accept([event("t3")], 1000);
    const [leased] = await operator.claimEvents({ worker: "w1", limit: 10, now: 1000, leaseMs: 1000 });
    if (leased === undefined) throw new Error("the event should have been leased");
    const issue = { queue: "time-exceptions", owner: "finance-ops", reason: "no rate for grade" };
    await operator.settleEvents([{ eventId: leased.id, attempt: leased.attempt, worker: "w1", now: 1001, outcome: "exception", issue }]);
    const [open] = await operator.listIssues({ kind: "exception", status: "open" });
    if (open === undefined) throw new Error("the event should be an exception");
    expect(await hears(() => operator.resolveIssue({ issueId: open.id, who: "ana", why: "rate card loaded", now: 2000, action: "retry" }))).toEqual(["events"]);
  });
});
