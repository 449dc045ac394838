/**
 * Lookups at run time: reference data by a composite key as of a date (the record in force then,
 * the last earlier one across a weekend), a date before a key's first record held as an exception
 * that names the key and the date, and a record kept from events waited for until it arrives.
 */
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
    Expense:
      type: object
      required: [expenseId, projectId, currency, amount, expenseDate]
      properties:
        expenseId: { type: string }
        projectId: { type: string }
        currency: { type: string }
        amount: { type: string }
        expenseDate: { type: string }
  events:
    expenseApproved: { delivery: webhook, payload: Expense, webhook: { path: /webhooks/psa/expense } }
`,
  "specs/erp.yaml": `${head("System", "erp")}spec:
  role: erp
  baseUrl: { env: ERP_BASE_URL, default: "http://erp.test" }
  auth: { type: bearer, token: { env: ERP_TOKEN, default: "t" } }
  schemas:
    Journal: { type: object, required: [amount], properties: { amount: { type: string }, currency: { type: string }, rate: { type: string } } }
  operations:
    postJournal: { method: POST, path: /journals, effect: create, request: Journal, idempotency: { mechanism: key-header, header: Idempotency-Key } }
`,
  "specs/entities.yaml": `${head("Entity", "Project")}spec:
  identity: [projectId]
  fields:
    projectId: { type: string, required: true }
    currency: { type: currency, required: true }
---
${head("Entity", "FxRate")}spec:
  identity: [from, to]
  fields:
    from: { type: currency, required: true }
    to: { type: currency, required: true }
    rate: { type: decimal, required: true }
`,
  "specs/expense-to-journal.yaml": `${head("Mapping", "expense-to-journal")}spec:
  source: { system: psa, schema: Expense }
  target: { system: erp, schema: Journal }
  lookups:
    project: { kind: reference-data, entity: Project }
    fx: { kind: reference-data, entity: FxRate }
  expression: '{ "amount": $string($round($number(amount) * $number($fx.rate), 2)), "currency": $project.currency, "rate": $fx.rate }'
`,
  "specs/route.yaml": `${head("Route", "expense-costs")}spec:
  trigger: { event: psa.expenseApproved }
  idempotencyKey: [expenseId]
  steps:
    - id: project
      enrich: { lookup: reference-data, entity: Project, key: projectId, wait: 1d, as: project }
    - id: fx
      enrich: { lookup: reference-data, entity: FxRate, key: [currency, project.currency], asOf: expenseDate, as: fx }
    - id: post
      deliver: { operation: erp.postJournal, mapping: expense-to-journal }
  policies:
    retry: { maxAttempts: 3, backoff: fixed, initialDelay: 1s, maxDelay: 1s }
    deadLetter: { queue: costs-dead }
    exceptions: { queue: cost-exceptions, owner: finance-ops }
`,
};

const FX = [
  { key: "GBP|EUR", validFrom: "2026-03-05", validTo: null, value: { from: "GBP", to: "EUR", rate: "1.1732", validFrom: "2026-03-05" } },
  { key: "GBP|EUR", validFrom: "2026-03-06", validTo: null, value: { from: "GBP", to: "EUR", rate: "1.1739", validFrom: "2026-03-06" } },
  { key: "GBP|EUR", validFrom: "2026-03-09", validTo: null, value: { from: "GBP", to: "EUR", rate: "1.1699", validFrom: "2026-03-09" } },
];

async function setUp() {
  const program = loadProgram({ cwd: writeSpecSet(FILES) });
  expect(program.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  const store = await createSqliteStore({ path: ":memory:" });
  const erp = createFakeTarget({ name: "erp", auth: { header: "authorization", value: "Bearer t" } });
  let now = Date.UTC(2026, 2, 9, 9);
  const runtime = createRuntime({
    compiled: compileInMemory(program),
    store,
    env: {},
    clock: { now: () => now++ },
    random: () => 0.5,
    sleep: async () => undefined,
    transport: fakeTransport([erp]),
  });
  await store.loadReferenceData({ entity: "FxRate", source: "fx.json", rows: FX, now: 1, actor: "treasury" });
  const expense = (id: string, expenseDate: string) => ({ expenseId: id, projectId: "KA-P04", currency: "GBP", amount: "154.90", expenseDate });
  const offer = (payloads: unknown[]) => runtime.offer({ system: "psa", event: "expenseApproved" }, payloads);
  return { store, erp, runtime, expense, offer };
}

describe("lookups at run time", () => {
  it("prices with the rate of the pair in force on the expense date, the last earlier one across a weekend", async () => {
    const { store, erp, runtime, expense, offer } = await setUp();
    await store.keepRecord({ entity: "Project", key: "KA-P04", version: 1, value: { projectId: "KA-P04", currency: "EUR" }, source: "test", traceId: null, now: 1 });
    await offer([expense("EX-303", "2026-03-07"), expense("EX-310", "2026-03-09T10:00:00Z")]);
    await runtime.drain();
    expect(erp.ledger.map((e) => e.body)).toEqual([
      { amount: "181.84", currency: "EUR", rate: "1.1739" },
      { amount: "181.22", currency: "EUR", rate: "1.1699" },
    ]);
    expect(await store.listIssues()).toEqual([]);
    await store.close();
  });

  it("holds an expense dated before the pair's first rate as an exception naming the key and the date, and keeps the event", async () => {
    const { store, erp, runtime, expense, offer } = await setUp();
    await store.keepRecord({ entity: "Project", key: "KA-P04", version: 1, value: { projectId: "KA-P04", currency: "EUR" }, source: "test", traceId: null, now: 1 });
    await offer([expense("EX-299", "2026-02-27")]);
    await runtime.drain();
    expect(erp.requests).toBe(0);
    const issues = await store.listIssues();
    expect(issues.map((i) => [i.queue, i.reason, i.payload])).toEqual([
      ["cost-exceptions", "step fx: no FxRate GBP|EUR in force on 2026-02-27: its first record is from 2026-03-05", expense("EX-299", "2026-02-27")],
    ]);
    expect((await store.counts()).events).toEqual({ exception: 1 });
    await store.close();
  });

  it("waits for a project kept from events and posts once it arrives", async () => {
    const { store, erp, runtime, expense, offer } = await setUp();
    await offer([expense("EX-303", "2026-03-07")]);
    await runtime.drain();
    expect(erp.requests).toBe(0);
    expect((await store.counts()).events).toEqual({ waiting: 1 });
    await store.keepRecord({ entity: "Project", key: "KA-P04", version: 1, value: { projectId: "KA-P04", currency: "EUR" }, source: "test", traceId: null, now: Date.UTC(2026, 2, 9, 9) });
    await runtime.drain();
    expect(erp.ledger.map((e) => e.body)).toEqual([{ amount: "181.84", currency: "EUR", rate: "1.1739" }]);
    expect(await store.listIssues()).toEqual([]);
    await store.close();
  });
});
