/**
 * A spec set for the runtime's state: expenses priced from exchange rates as of their date, looked
 * up by a composite key, and projects kept from their activations, which the expenses wait for.
 */
import { expect } from "vitest";
import { loadProgram } from "../../src/compiler/program.ts";
import { createRuntime } from "../../src/runtime/engine.ts";
import { createSqliteStore } from "../../src/runtime/store/sqlite.ts";
import { compileInMemory } from "../../src/testing/compile-in-memory.ts";
import { createFakeTarget, fakeTransport } from "../../src/testing/fake-target.ts";
import { writeSpecSet } from "../../src/testing/spec-fixtures.ts";

const head = (kind: string, name: string) => `apiVersion: syncspec.dev/v1\nkind: ${kind}\nmetadata:\n  name: ${name}\n  version: 1.0.0\n  team: finance-ops\n`;

/** The spec set's files. */
export const FILES: Record<string, string> = {
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
    Activation:
      type: object
      required: [projectId, currency, activatedAt]
      properties:
        projectId: { type: string }
        currency: { type: string }
        activatedAt: { type: string }
  events:
    expenseApproved: { delivery: webhook, payload: Expense, webhook: { path: /webhooks/psa/expense } }
    projectActivated: { delivery: webhook, payload: Activation, webhook: { path: /webhooks/psa/project } }
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
    activatedAt: { type: datetime, required: true }
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
  "specs/activation.sync": `mapping activation-to-project version 1.0.0 team finance-ops {
  from psa.Activation
  to Project
  expression {{ { "projectId": projectId, "currency": currency, "activatedAt": activatedAt } }}
}

route project-activation version 1.0.0 team finance-ops {
  on psa.projectActivated
  key projectId, activatedAt
  steps {
    to-project: map activation-to-project
    keep-project: keep Project version activatedAt
  }
  retry 3 times fixed 1s..1s
  dead-letter activation-dead
  exceptions activation-exceptions owner finance-ops
}
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

/** A runtime over the spec set on an SQLite store, the rates loaded, and helpers to offer events. */
export async function setUp(files: Record<string, string> = FILES) {
  const program = loadProgram({ cwd: writeSpecSet(files) });
  expect(program.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  const store = await createSqliteStore({ path: ":memory:" });
  const erp = createFakeTarget({ name: "erp", auth: { header: "authorization", value: "Bearer t" } });
  const psa = createFakeTarget({ name: "psa", auth: { header: "authorization", value: "Bearer t" } });
  let now = Date.UTC(2026, 2, 9, 9);
  const runtime = createRuntime({
    compiled: compileInMemory(program),
    store,
    env: {},
    clock: { now: () => now++ },
    random: () => 0.5,
    sleep: async () => undefined,
    transport: fakeTransport([erp, psa]),
  });
  await store.loadReferenceData({ entity: "FxRate", source: "fx.json", rows: FX, now: 1, actor: "treasury" });
  const expense = (id: string, expenseDate: string) => ({ expenseId: id, projectId: "KA-P04", currency: "GBP", amount: "154.90", expenseDate });
  const offer = (payloads: unknown[]) => runtime.offer({ system: "psa", event: "expenseApproved" }, payloads);
  const activate = (projectId: string, currency: string, activatedAt: string) =>
    runtime.offer({ system: "psa", event: "projectActivated" }, [{ projectId, currency, activatedAt }]);
  return { store, erp, psa, runtime, expense, offer, activate };
}

