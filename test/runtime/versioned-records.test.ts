/**
 * Versioned source records: a route that declares its record's identity and version keeps, per
 * identity and target, what it posted. The same version sent again (a duplicate) and a version
 * older than the one posted (stale) make no call to the target (its ledger counts them), and each
 * is audited as skipped with its reason; a record without a usable version is an exception.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadProgram } from "../../src/compiler/program.ts";
import { createRuntime } from "../../src/runtime/engine.ts";
import { createSqliteStore } from "../../src/runtime/store/sqlite.ts";
import { compileInMemory } from "../../src/testing/compile-in-memory.ts";
import { createFakeTarget, fakeTransport } from "../../src/testing/fake-target.ts";
import { writeSpecSet } from "../../src/testing/spec-fixtures.ts";

const head = (kind: string, name: string) => `apiVersion: syncspec.dev/v1\nkind: ${kind}\nmetadata:\n  name: ${name}\n  version: 1.0.0\n  team: finance-ops\n`;

const FILES: Record<string, string> = {
  "syncspec.yaml": "specs:\n  - specs\n",
  "specs/psa.yaml": `${head("System", "psa")}spec:
  role: psa
  baseUrl: { env: PSA_BASE_URL, default: "http://127.0.0.1:1" }
  auth: { type: bearer, token: { env: PSA_TOKEN, default: "t" } }
  schemas:
    Time:
      type: object
      required: [eventId, timeEntryId, version, hours]
      properties:
        eventId: { type: string }
        timeEntryId: { type: string }
        version: { type: integer }
        hours: { type: number }
  events:
    timeApproved: { delivery: webhook, payload: Time, webhook: { path: /webhooks/psa/time } }
`,
  "specs/erp.yaml": `${head("System", "erp")}spec:
  role: erp
  baseUrl: { env: ERP_BASE_URL, default: "http://erp.test" }
  auth: { type: bearer, token: { env: ERP_TOKEN, default: "t" } }
  schemas:
    Journal: { type: object, required: [reference, hours], properties: { reference: { type: string }, hours: { type: number } } }
  operations:
    postJournal: { method: POST, path: /journals, effect: create, request: Journal, idempotency: { mechanism: key-header, header: Idempotency-Key } }
    reverseJournal: { method: POST, path: "/journals/{journalId}/reversal", effect: create, request: Journal, idempotency: { mechanism: key-header, header: Idempotency-Key } }
`,
  "specs/time-to-journal.yaml": `${head("Mapping", "time-to-journal")}spec:
  source: { system: psa, schema: Time }
  target: { system: erp, schema: Journal }
  expression: '{ "reference": timeEntryId, "hours": hours }'
`,
  "specs/time-journal-reversal.yaml": `${head("Mapping", "time-journal-reversal")}spec:
  source: { system: psa, schema: Time }
  target: { system: erp, schema: Journal }
  expression: '{ "reference": $previous.body.reference, "hours": -$previous.body.hours }'
`,
  "specs/route.yaml": `${head("Route", "time-cost")}spec:
  trigger: { event: psa.timeApproved }
  idempotencyKey: [eventId]
  orderingKey: [timeEntryId]
  versioning: { identity: [timeEntryId], version: version }
  steps:
    - id: cost
      deliver:
        operation: erp.postJournal
        mapping: time-to-journal
        correction: { reverse: { operation: erp.reverseJournal, mapping: time-journal-reversal, params: { journalId: $previous.targetId } } }
  policies:
    exceptions: { queue: time-exceptions, owner: finance-ops }
`,
};

async function setUp() {
  const program = loadProgram({ cwd: writeSpecSet(FILES) });
  expect(program.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  const store = await createSqliteStore({ path: join(mkdtempSync(join(tmpdir(), "versioned-")), "store.db") });
  const erp = createFakeTarget({ name: "erp", auth: { header: "authorization", value: "Bearer t" } });
  const runtime = createRuntime({
    compiled: compileInMemory(program),
    store,
    env: {},
    clock: { now: () => Date.UTC(2026, 2, 14) },
    random: () => 0.5,
    sleep: async () => undefined,
    transport: fakeTransport([erp]),
  });
  const send = async (eventId: string, version: unknown, hours: number) => {
    await runtime.offer({ system: "psa", event: "timeApproved" }, [{ eventId, timeEntryId: "T001", version, hours }]);
    await runtime.drain();
  };
  return { store, erp, runtime, send };
}

const skipped = async (store: Awaited<ReturnType<typeof setUp>>["store"]) =>
  (await store.auditTrail()).filter((r) => r.action === "event.skipped").map((r) => (r.detail as { reason: string }).reason);

describe("versioned source records", () => {
  it("keeps what the first version posted: its body, the target's id and the version", async () => {
    const { store, erp, send } = await setUp();
    await send("e1", 1, 8);
    expect(erp.ledger.map((e) => e.body)).toEqual([{ reference: "T001", hours: 8 }]);
    const posting = await store.findPosting("time-cost", "T001", "erp");
    expect(posting).toMatchObject({ version: 1, body: { reference: "T001", hours: 8 } });
    expect(posting?.targetId).toEqual(expect.any(String));
    await store.close();
  });

  it("ignores the posted version sent again, audited as a duplicate, with no call to the target", async () => {
    const { store, erp, send } = await setUp();
    await send("e1", 1, 8);
    await send("e1-resent", 1, 8);
    expect(erp.requests).toBe(1);
    expect(await skipped(store)).toEqual(['duplicate of version 1 of T001, already posted to erp']);
    expect(await store.listIssues()).toEqual([]);
    await store.close();
  });

  it("ignores a version older than the one posted, audited as stale, and keeps the newer posting", async () => {
    const { store, erp, send } = await setUp();
    await send("e1", 1, 8);
    await send("e2", 3, 6);
    await send("e3-late", 2, 7);
    // Version 3 reverses version 1's posting before it posts; the late version 2 makes no call.
    expect(erp.ledger.map((e) => (e.body as { hours: number }).hours)).toEqual([8, -8, 6]);
    expect(await skipped(store)).toEqual(["stale version 2 of T001: version 3 was already posted to erp"]);
    const audited = (await store.auditTrail()).find((r) => r.action === "event.skipped");
    expect(audited?.detail).toMatchObject({ ignoredVersion: { standing: "stale", identity: "T001", version: 2, posted: 3 } });
    expect(await store.findPosting("time-cost", "T001", "erp")).toMatchObject({ version: 3, body: { hours: 6 } });
    expect(await store.verifyAudit()).toMatchObject({ ok: true });
    await store.close();
  });

  it("files a record whose version does not order in the route's exception queue, and sends nothing", async () => {
    const { store, erp, send } = await setUp();
    await send("e1", "second", 8);
    expect(erp.requests).toBe(0);
    expect((await store.listIssues()).map((i) => [i.queue, i.reason])).toEqual([
      ["time-exceptions", 'the record\'s version (field version) is "second": a version must be a number or a date-time'],
    ]);
    await store.close();
  });
});
