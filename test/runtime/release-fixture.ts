/**
 * A spec set for declared releases: invoices rejected while their client is on credit hold, each
 * released when a later credit-status event keeps the client's record back at `ok`.
 */
import { expect } from "vitest";
import { loadProgram } from "../../src/compiler/program.ts";
import { createRuntime } from "../../src/runtime/engine.ts";
import { createSqliteStore } from "../../src/runtime/store/sqlite.ts";
import type { Store } from "../../src/runtime/store/store.ts";
import { compileInMemory } from "../../src/testing/compile-in-memory.ts";
import { createFakeTarget, fakeTransport } from "../../src/testing/fake-target.ts";
import { writeSpecSet } from "../../src/testing/spec-fixtures.ts";

const head = (kind: string, name: string) => `apiVersion: syncspec.dev/v1\nkind: ${kind}\nmetadata:\n  name: ${name}\n  version: 1.0.0\n  team: finance-ops\n`;

/** The invoice route's steps: the hold check (with its release) before the invoice is posted. */
export const INVOICE_STEPS = `  steps {
    client: enrich client with reference-data Client by clientId
    credit-hold: reject credit-hold to credit-control owner credit-control because {{ "Client " & clientId & " is on credit hold; invoice " & invoiceId & " is held" }} on Client key clientId field creditStatus to "ok"
      when {{ $client.creditStatus = "hold" }}
    post: deliver erp.postInvoice
  }`;

/** The spec set's files, with the invoice route's steps given. */
export function files(invoiceSteps = INVOICE_STEPS): Record<string, string> {
  return {
    "syncspec.yaml": "specs:\n  - specs\n",
    "specs/psa.yaml": `${head("System", "psa")}spec:
  role: psa
  baseUrl: { env: PSA_BASE_URL, default: "http://127.0.0.1:1" }
  auth: { type: bearer, token: { env: PSA_TOKEN, default: "t" } }
  schemas:
    Invoice:
      type: object
      required: [invoiceId, clientId, amount]
      properties: { invoiceId: { type: string }, clientId: { type: string }, amount: { type: string }, projectId: { type: string } }
    Credit:
      type: object
      required: [clientId, creditStatus, changedAt]
      properties: { clientId: { type: string }, creditStatus: { type: string }, changedAt: { type: string } }
  events:
    invoiceReady: { delivery: webhook, payload: Invoice, webhook: { path: /webhooks/psa/invoices } }
    creditChanged: { delivery: webhook, payload: Credit, webhook: { path: /webhooks/psa/credit } }
`,
    "specs/erp.yaml": `${head("System", "erp")}spec:
  role: erp
  baseUrl: { env: ERP_BASE_URL, default: "http://erp.test" }
  auth: { type: bearer, token: { env: ERP_TOKEN, default: "t" } }
  operations:
    postInvoice: { method: POST, path: /invoices, effect: create, idempotency: { mechanism: key-header, header: Idempotency-Key } }
`,
    "specs/entities.yaml": `${head("Entity", "Client")}spec:
  identity: [clientId]
  fields:
    clientId: { type: string, required: true }
    creditStatus: { type: enum, required: true, values: [ok, hold] }
    changedAt: { type: datetime, required: true }
---
${head("Entity", "Project")}spec:
  identity: [projectId]
  fields:
    projectId: { type: string, required: true }
`,
    "specs/credit.sync": `mapping credit-to-client version 1.0.0 team finance-ops {
  from psa.Credit
  to Client
  expression {{ { "clientId": clientId, "creditStatus": creditStatus, "changedAt": changedAt } }}
}

route client-credit version 1.0.0 team finance-ops {
  on psa.creditChanged
  key clientId, changedAt
  steps {
    to-client: map credit-to-client
    keep-client: keep Client version changedAt
  }
  retry 3 times fixed 1s..1s
  dead-letter credit-dead
  exceptions credit-exceptions owner finance-ops
}
`,
    "specs/invoices.sync": `route invoice-to-erp version 1.0.0 team finance-ops {
  on psa.invoiceReady
  key invoiceId
${invoiceSteps}
  retry 3 times fixed 1s..1s
  dead-letter invoice-dead
  exceptions invoice-exceptions owner finance-ops
}
`,
  };
}

/** A runtime over the spec set on an SQLite store, and helpers to offer invoices and credit changes. */
export async function setUp(invoiceSteps?: string, openStore: () => Promise<Store> = () => createSqliteStore({ path: ":memory:" })) {
  const program = loadProgram({ cwd: writeSpecSet(files(invoiceSteps)) });
  expect(program.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  const store = await openStore();
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
  const invoice = (invoiceId: string, clientId: string, extra: Record<string, string> = {}) =>
    runtime.offer({ system: "psa", event: "invoiceReady" }, [{ invoiceId, clientId, amount: "1200.00", ...extra }]);
  const credit = (clientId: string, creditStatus: string, changedAt: string) => runtime.offer({ system: "psa", event: "creditChanged" }, [{ clientId, creditStatus, changedAt }]);
  return { store, erp, runtime, invoice, credit };
}
