/**
 * Corrections of versioned records, through the runtime against a real SQLite store and fake
 * targets: a newer version reverses what was posted and then posts (reverse), posts the difference
 * (adjust) or replaces it in place (update); a void reverses only and keeps the record voided; a
 * correction whose record of what was posted is gone is an exception with no call made; a failing
 * reversal holds the new posting until it is delivered, and nothing is posted twice.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { loadProgram } from "../../src/compiler/program.ts";
import { createRuntime } from "../../src/runtime/engine.ts";
import { createSqliteStore } from "../../src/runtime/store/sqlite.ts";
import { compileInMemory } from "../../src/testing/compile-in-memory.ts";
import { createFakeTarget, fakeTransport, type Fault } from "../../src/testing/fake-target.ts";
import { writeSpecSet } from "../../src/testing/spec-fixtures.ts";
import { Registry } from "prom-client";
import type { Logger } from "../../src/runtime/logger.ts";
import { createLogSink } from "../../src/runtime/log/log-sink.ts";
import { pinoLogger } from "../../src/runtime/log/pino-logger.ts";

const head = (kind: string, name: string) => `apiVersion: syncspec.dev/v1\nkind: ${kind}\nmetadata:\n  name: ${name}\n  version: 1.0.0\n  team: finance-ops\n`;

const SYSTEMS = `${head("System", "psa")}spec:
  role: psa
  baseUrl: { env: PSA_BASE_URL, default: "http://127.0.0.1:1" }
  auth: { type: bearer, token: { env: PSA_TOKEN, default: "t" } }
  schemas:
    Time:
      type: object
      required: [eventId, timeEntryId, version]
      properties:
        eventId: { type: string }
        timeEntryId: { type: string }
        version: { type: integer }
        hours: { type: number }
  events:
    timeApproved: { delivery: webhook, payload: Time, webhook: { path: /webhooks/psa/time } }
    timeVoided: { delivery: webhook, payload: Time, webhook: { path: /webhooks/psa/void } }
---
${head("System", "erp")}spec:
  role: erp
  baseUrl: { env: ERP_BASE_URL, default: "http://erp.test" }
  auth: { type: bearer, token: { env: ERP_TOKEN, default: "t" } }
  schemas:
    Journal: { type: object, required: [reference, hours], properties: { reference: { type: string }, hours: { type: number }, reverses: { type: string } } }
  operations:
    postJournal: { method: POST, path: /journals, effect: create, request: Journal, idempotency: { mechanism: key-header, header: Idempotency-Key } }
    reverseJournal: { method: POST, path: "/journals/{journalId}/reversal", effect: create, request: Journal, idempotency: { mechanism: key-header, header: Idempotency-Key } }
    replaceJournal: { method: PUT, path: "/journals/{journalId}", effect: update, request: Journal, idempotency: { mechanism: key-header, header: Idempotency-Key } }
`;

const MAPPINGS = `${head("Mapping", "time-to-journal")}spec:
  source: { system: psa, schema: Time }
  target: { system: erp, schema: Journal }
  expression: '{ "reference": timeEntryId, "hours": hours }'
  tests:
    - name: a journal of the hours
      input: { eventId: e1, timeEntryId: T001, version: 1, hours: 8 }
      expect: { reference: T001, hours: 8 }
---
${head("Mapping", "time-journal-reversal")}spec:
  source: { system: psa, schema: Time }
  target: { system: erp, schema: Journal }
  expression: '{ "reference": $previous.body.reference, "hours": -$previous.body.hours, "reverses": $previous.targetId }'
  tests:
    - name: the posted hours negated
      input: { eventId: e2, timeEntryId: T001, version: 2, hours: 6 }
      previous: { body: { reference: T001, hours: 8 }, targetId: J-1, version: 1 }
      expect: { reference: T001, hours: -8, reverses: J-1 }
---
${head("Mapping", "time-journal-difference")}spec:
  source: { system: psa, schema: Time }
  target: { system: erp, schema: Journal }
  expression: '{ "reference": timeEntryId, "hours": hours - $previous.body.hours }'
`;

const CORRECTIONS: Record<string, string> = {
  reverse: "{ reverse: { operation: erp.reverseJournal, mapping: time-journal-reversal, params: { journalId: $previous.targetId } } }",
  adjust: "{ adjust: { operation: erp.postJournal, mapping: time-journal-difference } }",
  update: "{ update: { operation: erp.replaceJournal, mapping: time-to-journal, params: { journalId: $previous.targetId } } }",
};

const route = (correction: string, when = "") => `${head("Route", "time-cost")}spec:
  trigger: { event: psa.timeApproved }
  idempotencyKey: [eventId]
  orderingKey: [timeEntryId]
  versioning: { identity: [timeEntryId], version: version${correction.includes("reverse") ? ", void: { event: psa.timeVoided }" : ""} }
  steps:
    - id: cost${when}
      deliver: { operation: erp.postJournal, mapping: time-to-journal, correction: ${correction} }
  policies:
    retry: { maxAttempts: 3, backoff: fixed, initialDelay: 1s, maxDelay: 1s }
    deadLetter: { queue: time-dead }
    exceptions: { queue: time-exceptions, owner: finance-ops }
`;

async function setUp(kind: keyof typeof CORRECTIONS, fault?: (request: { method: string; path: string; n: number }) => Fault | undefined, observe: { metrics?: Registry; logger?: Logger; when?: string } = {}) {
  const { when, ...observers } = observe;
  const dir = writeSpecSet({ "syncspec.yaml": "specs:\n  - specs\n", "specs/systems.yaml": SYSTEMS, "specs/mappings.yaml": MAPPINGS, "specs/route.yaml": route(CORRECTIONS[kind] as string, when) });
  const program = loadProgram({ cwd: dir });
  expect(program.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  const path = join(mkdtempSync(join(tmpdir(), "corrections-")), "store.db");
  const store = await createSqliteStore({ path });
  let ids = 0;
  const erp = createFakeTarget({ name: "erp", auth: { header: "authorization", value: "Bearer t" }, id: () => `J-${++ids}`, ...(fault !== undefined ? { fault } : {}) });
  let now = Date.UTC(2026, 2, 14);
  const runtime = createRuntime({
    compiled: compileInMemory(program),
    store,
    env: {},
    clock: { now: () => now },
    random: () => 0.5,
    sleep: async () => undefined,
    transport: fakeTransport([erp]),
    ...observers,
  });
  const send = async (event: "timeApproved" | "timeVoided", eventId: string, version: number, hours?: number) => {
    await runtime.offer({ system: "psa", event }, [{ eventId, timeEntryId: "T001", version, ...(hours !== undefined ? { hours } : {}) }]);
    await runtime.drain();
  };
  const later = async (ms: number) => {
    now += ms;
    await runtime.drain();
  };
  const ledger = () => erp.ledger.map((e) => `${e.method} ${e.path} ${JSON.stringify(e.body)}`);
  return { store, erp, runtime, send, later, ledger, path };
}

type Store = Awaited<ReturnType<typeof setUp>>["store"];
const audited = async (store: Store, prefix: string) => (await store.auditTrail()).filter((r) => r.action.startsWith(prefix)).map((r) => [r.action, r.detail]);

describe("corrections of versioned records", () => {
  it("reverses what was posted, then posts the new version, keeping the new posting", async () => {
    const { store, send, ledger } = await setUp("reverse");
    await send("timeApproved", "e1", 1, 8);
    await send("timeApproved", "e2", 2, 6);
    expect(ledger()).toEqual([
      'POST /journals {"reference":"T001","hours":8}',
      'POST /journals/J-1/reversal {"reference":"T001","hours":-8,"reverses":"J-1"}',
      'POST /journals {"reference":"T001","hours":6}',
    ]);
    expect(await store.findPosting("time-cost", "T001", "erp")).toMatchObject({ version: 2, body: { reference: "T001", hours: 6 }, targetId: "J-3" });
    expect((await audited(store, "posting.")).map(([action]) => action)).toEqual(["posting.recorded", "posting.reversed", "posting.recorded"]);
    await store.close();
  });

  it("ignores the new version sent again and a stale one, after the correction, with no call", async () => {
    const { store, erp, send } = await setUp("reverse");
    await send("timeApproved", "e1", 1, 8);
    await send("timeApproved", "e2", 2, 6);
    await send("timeApproved", "e2-again", 2, 6);
    await send("timeApproved", "e1-late", 1, 8);
    expect(erp.ledger).toHaveLength(3);
    const skipped = (await store.auditTrail()).filter((r) => r.action === "event.skipped").map((r) => (r.detail as { reason: string }).reason);
    expect(skipped).toEqual(["duplicate of version 2 of T001, already posted to erp", "stale version 1 of T001: version 2 was already posted to erp"]);
    await store.close();
  });

  it("posts the difference in place of the new posting, and compares the next version with the whole of it", async () => {
    const { store, send, ledger } = await setUp("adjust");
    await send("timeApproved", "e1", 1, 8);
    await send("timeApproved", "e2", 2, 6);
    await send("timeApproved", "e3", 3, 7);
    expect(ledger()).toEqual(['POST /journals {"reference":"T001","hours":8}', 'POST /journals {"reference":"T001","hours":-2}', 'POST /journals {"reference":"T001","hours":1}']);
    expect(await store.findPosting("time-cost", "T001", "erp")).toMatchObject({ version: 3, body: { reference: "T001", hours: 7 } });
    expect((await audited(store, "posting.")).map(([action, detail]) => [action, (detail as { correction?: string }).correction])).toEqual([
      ["posting.recorded", undefined],
      ["posting.corrected", "adjust"],
      ["posting.corrected", "adjust"],
    ]);
    await store.close();
  });

  it("updates what was posted in place, at the target's id of the earlier posting", async () => {
    const { store, send, ledger } = await setUp("update");
    await send("timeApproved", "e1", 1, 8);
    await send("timeApproved", "e2", 2, 6);
    expect(ledger()).toEqual(['POST /journals {"reference":"T001","hours":8}', 'PUT /journals/J-1 {"reference":"T001","hours":6}']);
    expect(await store.findPosting("time-cost", "T001", "erp")).toMatchObject({ version: 2, body: { hours: 6 } });
    await store.close();
  });

  it("reverses only on a void, keeps the record voided, and ignores a stale version after it", async () => {
    const { store, send, ledger } = await setUp("reverse");
    await send("timeApproved", "e1", 1, 8);
    await send("timeVoided", "v1", 2);
    await send("timeApproved", "e1-late", 1, 8);
    expect(ledger()).toEqual(['POST /journals {"reference":"T001","hours":8}', 'POST /journals/J-1/reversal {"reference":"T001","hours":-8,"reverses":"J-1"}']);
    expect(await store.findPosting("time-cost", "T001", "erp")).toMatchObject({ version: 2, withdrawn: "voided", targetId: null });
    const skipped = (await store.auditTrail()).filter((r) => r.action === "event.skipped").map((r) => (r.detail as { reason: string }).reason);
    expect(skipped).toEqual(["stale version 1 of T001: version 2 was already posted to erp"]);
    expect((await audited(store, "posting.")).map(([action]) => action)).toEqual(["posting.recorded", "posting.voided"]);
    await store.close();
  });

  it("files a correction whose record of what was posted is gone as an exception, and makes no call", async () => {
    const { store, erp, send, path } = await setUp("reverse");
    await send("timeApproved", "e1", 1, 8);
    // Another hand removes the record of what was posted (a restore from an older backup, a cleanup).
    const db = new BetterSqlite3(path);
    db.prepare("DELETE FROM postings").run();
    db.close();
    await send("timeApproved", "e2", 2, 6);
    expect(erp.ledger).toHaveLength(1);
    const issues = await store.listIssues();
    expect(issues.map((i) => [i.queue, i.reason])).toEqual([
      [
        "time-exceptions",
        "step cost: cannot correct T001 (version 2) at erp: the record of what was posted there ($previous) is gone, though the outbox shows it delivered; nothing is sent (a repost would post twice)",
      ],
    ]);
    await store.close();
  });

  it("holds the new posting behind a failing reversal, then makes both in order, once each", async () => {
    let failing = true;
    const { store, send, later, ledger } = await setUp("reverse", (r) => (failing && r.path.endsWith("/reversal") ? { status: 503 } : undefined));
    await send("timeApproved", "e1", 1, 8);
    await send("timeApproved", "e2", 2, 6);
    expect(ledger()).toEqual(['POST /journals {"reference":"T001","hours":8}']);
    expect(await store.findPosting("time-cost", "T001", "erp")).toMatchObject({ version: 1, targetId: "J-1" });
    failing = false;
    await later(2_000);
    await later(2_000);
    expect(ledger()).toEqual([
      'POST /journals {"reference":"T001","hours":8}',
      'POST /journals/J-1/reversal {"reference":"T001","hours":-8,"reverses":"J-1"}',
      'POST /journals {"reference":"T001","hours":6}',
    ]);
    expect(await store.findPosting("time-cost", "T001", "erp")).toMatchObject({ version: 2, targetId: "J-3" });
    await store.close();
  });

  it("logs each correction delivered and counts corrections by route, target, kind and outcome, a missing $previous as an exception", async () => {
    const metrics = new Registry();
    const lines: string[] = [];
    const logger = pinoLogger({ sink: createLogSink({ write: (text) => lines.push(text) > 0, once: () => undefined }), base: { worker: "w1" } });
    const { store, send, path } = await setUp("reverse", undefined, { metrics, logger });
    await send("timeApproved", "e1", 1, 8);
    await send("timeApproved", "e2", 2, 6);
    const db = new BetterSqlite3(path);
    db.prepare("DELETE FROM postings").run();
    db.close();
    await send("timeApproved", "e3", 3, 5);
    const counted = (await metrics.getSingleMetric("syncspec_corrections_total")?.get())?.values.map((v) => [v.labels, v.value]);
    expect(counted).toEqual([
      [{ route: "time-cost", system: "erp", kind: "reverse", outcome: "delivered" }, 1],
      [{ route: "time-cost", system: "erp", kind: "reverse", outcome: "exception" }, 1],
    ]);
    const logged = lines.map((l) => JSON.parse(l) as { event?: string; kind?: string; target?: string }).filter((l) => l.event === "correction.delivered");
    expect(logged.map((l) => [l.kind, l.target])).toEqual([["reverse", "erp.reverseJournal"]]);
    await store.close();
  });

  it("reverses what a step posted when a newer version no longer reaches it, and posts nothing for it", async () => {
    const { store, send, ledger } = await setUp("reverse", undefined, { when: "\n      when: hours > 0" });
    await send("timeApproved", "e1", 1, 8);
    await send("timeApproved", "e2", 2, 0);
    expect(ledger()).toEqual(['POST /journals {"reference":"T001","hours":8}', 'POST /journals/J-1/reversal {"reference":"T001","hours":-8,"reverses":"J-1"}']);
    expect(await store.findPosting("time-cost", "T001", "erp")).toMatchObject({ version: 2, withdrawn: "reversed", targetId: null });
    // Posted again once a later version reaches the step: nothing stands to reverse first.
    await send("timeApproved", "e3", 3, 5);
    expect(ledger().at(-1)).toBe('POST /journals {"reference":"T001","hours":5}');
    expect(await store.findPosting("time-cost", "T001", "erp")).toMatchObject({ version: 3, body: { hours: 5 } });
    await store.close();
  });
});
