/**
 * A reject step's declared release: an invoice rejected while its client is on credit hold waits
 * on the client's kept record, and is routed again (audited as released, its rejection closed)
 * when a later event keeps the record with its credit status back at `ok`; not before, and not
 * for another client. A release whose run fails again files the event as an exception.
 */
import { describe, expect, it } from "vitest";
import { createPostgresStore, dropPostgresSchema, postgresAvailability } from "../../src/runtime/store/postgres.ts";
import { shouldRun } from "../../src/testing/environment.ts";
import { PG_URL, uniqueSchema } from "./postgres-env.ts";
import { setUp } from "./release-fixture.ts";

const ids = (ledger: readonly { body: unknown }[]) => ledger.map((e) => (e.body as { invoiceId: string }).invoiceId);

/** The credit hold and its release, on the store `openStore` opens. */
async function holdAndRelease(openStore?: Parameters<typeof setUp>[1]) {
    const { store, erp, runtime, invoice, credit } = await setUp(undefined, openStore);
    await credit("KA-C02", "hold", "2026-03-01T09:00:00Z");
    await credit("KA-C01", "ok", "2026-03-01T09:00:00Z");
    await runtime.drain();
    await invoice("INV-KA-P03-M2", "KA-C02");
    await invoice("INV-KA-P01-03", "KA-C01");
    await runtime.drain();
    expect(ids(erp.ledger)).toEqual(["INV-KA-P01-03"]);
    const [held] = await store.listIssues({ status: "open" });
    expect([held?.queue, held?.reasonCode, held?.reason]).toEqual(["credit-control", "credit-hold", "credit-hold: Client KA-C02 is on credit hold; invoice INV-KA-P03-M2 is held"]);

    // Another client's change, and this client's change to a value other than ok, release nothing.
    await credit("KA-C01", "hold", "2026-03-02T09:00:00Z");
    await credit("KA-C02", "hold", "2026-03-03T09:00:00Z");
    await runtime.drain();
    expect((await store.counts()).events).toMatchObject({ rejected: 1 });
    expect(ids(erp.ledger)).toEqual(["INV-KA-P01-03"]);

    await credit("KA-C02", "ok", "2026-03-04T09:00:00Z");
    await runtime.drain();
    expect(ids(erp.ledger)).toEqual(["INV-KA-P01-03", "INV-KA-P03-M2"]);
    expect((await store.counts()).events).toEqual({ routed: 7 });
    const issue = (await store.listIssues()).find((i) => i.id === held?.id);
    expect([issue?.status, issue?.resolvedBy, issue?.resolution]).toEqual(["closed", "client-credit", "released: Client KA-C02 has creditStatus 'ok'"]);
    const trail = (await store.auditTrail()).filter((e) => e.action === "event.released" || e.action === "issue.released");
    expect(trail.map((e) => [e.action, e.actor, e.detail])).toEqual([
      ["event.released", "client-credit", { entity: "Client", key: "KA-C02", field: "creditStatus", equals: "ok" }],
      ["issue.released", "client-credit", { entity: "Client", key: "KA-C02", field: "creditStatus", equals: "ok", event: expect.any(Number) }],
    ]);
    await store.close();
}

describe("a reject step's release", () => {
  it("holds the invoice of a client on hold and routes it again once the client's credit is back to ok", () => holdAndRelease());

  it("releases a held invoice once, however often the client's credit is set back to ok", async () => {
    const { store, erp, runtime, invoice, credit } = await setUp();
    await credit("KA-C02", "hold", "2026-03-01T09:00:00Z");
    await runtime.drain();
    await invoice("INV-KA-P03-M2", "KA-C02");
    await runtime.drain();
    await credit("KA-C02", "ok", "2026-03-04T09:00:00Z");
    await credit("KA-C02", "ok", "2026-03-05T09:00:00Z");
    await runtime.drain();
    // Released once: a second ok finds no rejection waiting.
    expect(ids(erp.ledger)).toEqual(["INV-KA-P03-M2"]);
    expect((await store.auditTrail()).filter((e) => e.action === "event.released")).toHaveLength(1);
    await store.close();
  });

  it("files a released invoice whose run fails again as an exception, with the rejection closed as released", async () => {
    const steps = `  steps {
    client: enrich client with reference-data Client by clientId
    credit-hold: reject credit-hold to credit-control owner credit-control because {{ "Client " & clientId & " is on credit hold" }} on Client key clientId field creditStatus to "ok"
      when {{ $client.creditStatus = "hold" }}
    project: enrich project with reference-data Project by projectId
    post: deliver erp.postInvoice
  }`;
    const { store, erp, runtime, invoice, credit } = await setUp(steps);
    await credit("KA-C02", "hold", "2026-03-01T09:00:00Z");
    await runtime.drain();
    await invoice("INV-KA-P03-M2", "KA-C02", { projectId: "KA-P03" });
    await runtime.drain();
    await credit("KA-C02", "ok", "2026-03-04T09:00:00Z");
    await runtime.drain();
    expect(erp.requests).toBe(0);
    const issues = await store.listIssues();
    expect(issues.map((i) => [i.queue, i.status, i.reasonCode])).toEqual([
      ["credit-control", "closed", "credit-hold"],
      ["invoice-exceptions", "open", null],
    ]);
    expect(issues[1]?.reason).toMatch(/no Project reference data for KA-P03/);
    expect((await store.counts()).events).toMatchObject({ exception: 1 });
    await store.close();
  });

  it("does not release a rejection again and again when its step rejects whatever the state holds", async () => {
    const steps = `  steps {
    credit-hold: reject credit-hold to credit-control owner credit-control because {{ "Invoice " & invoiceId & " is held" }} on Client key clientId field creditStatus to "ok"
    post: deliver erp.postInvoice
  }`;
    const { store, erp, runtime, invoice, credit } = await setUp(steps);
    await credit("KA-C02", "ok", "2026-03-01T09:00:00Z");
    await runtime.drain();
    await invoice("INV-KA-P03-M2", "KA-C02");
    await runtime.drain();
    expect((await store.counts()).events).toEqual({ routed: 1, rejected: 1 });
    // A change back to ok releases it once; its run rejects it again, and there it stays.
    await credit("KA-C02", "ok", "2026-03-04T09:00:00Z");
    await runtime.drain();
    expect(erp.requests).toBe(0);
    expect((await store.auditTrail()).filter((e) => e.action === "event.released")).toHaveLength(1);
    expect((await store.listIssues()).map((i) => [i.status, i.reasonCode])).toEqual([
      ["closed", "credit-hold"],
      ["open", "credit-hold"],
    ]);
    expect((await store.counts()).events).toEqual({ routed: 2, rejected: 1 });
    await store.close();
  });

  it("leaves an invoice without the key field to a person, saying why", async () => {
    const steps = `  steps {
    credit-hold: reject credit-hold to credit-control owner credit-control because {{ "Invoice " & invoiceId & " is held" }} on Client key projectId field creditStatus to "ok"
    post: deliver erp.postInvoice
  }`;
    const { store, runtime, invoice, credit } = await setUp(steps);
    await invoice("INV-KA-P03-M2", "KA-C02");
    await runtime.drain();
    await credit("KA-C02", "ok", "2026-03-04T09:00:00Z");
    await runtime.drain();
    const [issue] = await store.listIssues();
    expect([issue?.status, issue?.reason]).toEqual(["open", "credit-hold: Invoice INV-KA-P03-M2 is held (not released on its own: the record has no projectId to find its Client by)"]);
    await store.close();
  });
});

if (shouldRun("PostgreSQL", await postgresAvailability(PG_URL))) {
  describe("a reject step's release on PostgreSQL", () => {
    it("holds the invoice of a client on hold and routes it again once the client's credit is back to ok", async () => {
      const schema = uniqueSchema("release");
      try {
        await holdAndRelease(() => createPostgresStore({ connectionString: PG_URL, schema, poolSize: 2 }));
      } finally {
        await dropPostgresSchema(PG_URL, schema);
      }
    });
  });
}
