/**
 * Every request is checked against its operation's request schema before it is sent: a body the
 * schema refuses never reaches the target (its ledger counts no call), and the event waits in the
 * route's exception queue with a reason naming the step, the operation and the field.
 */
import { describe, expect, it } from "vitest";
import { loadProgram } from "../../src/compiler/program.ts";
import { createRuntime } from "../../src/runtime/engine.ts";
import { createSqliteStore } from "../../src/runtime/store/sqlite.ts";
import { compileInMemory } from "../../src/testing/compile-in-memory.ts";
import { createFakeTarget, fakeTransport } from "../../src/testing/fake-target.ts";
import { writeSpecSet } from "../../src/testing/spec-fixtures.ts";

const head = (kind: string, name: string) => `apiVersion: syncspec.dev/v1\nkind: ${kind}\nmetadata:\n  name: ${name}\n  version: 1.0.0\n  team: finance-ops\n`;

/** A PSA time entry charged to billing; the charge schema wants an integer amount of at least 1. */
const FILES: Record<string, string> = {
  "syncspec.yaml": "specs:\n  - specs\n",
  "specs/psa.yaml": `${head("System", "psa")}spec:
  role: psa
  baseUrl: { env: PSA_BASE_URL, default: "http://127.0.0.1:1" }
  auth: { type: bearer, token: { env: PSA_TOKEN, default: "t" } }
  schemas:
    Time:
      type: object
      required: [timeEntryId, minutes]
      properties:
        timeEntryId: { type: string }
        minutes: { type: number }
        note: { type: string }
  events:
    timeApproved: { delivery: webhook, payload: Time, webhook: { path: /webhooks/psa/time } }
`,
  "specs/billing.yaml": `${head("System", "billing")}spec:
  role: billing
  baseUrl: { env: BILLING_BASE_URL, default: "http://billing.test" }
  auth: { type: bearer, token: { env: BILLING_TOKEN, default: "t" } }
  schemas:
    Charge:
      type: object
      required: [amount, description]
      properties:
        amount: { type: integer, minimum: 1 }
        description: { type: string, maxLength: 20 }
  operations:
    addCharge:
      method: POST
      path: /charges
      effect: create
      request: Charge
      idempotency: { mechanism: key-header, header: Idempotency-Key }
`,
  "specs/time-to-charge.yaml": `${head("Mapping", "time-to-charge")}spec:
  source: { system: psa, schema: Time }
  target: { system: billing, schema: Charge }
  expression: '{ "amount": minutes * 2, "description": "time " & timeEntryId & ($exists(note) ? " " & note : "") }'
`,
  "specs/route.yaml": `${head("Route", "time-charges")}spec:
  trigger: { event: psa.timeApproved }
  idempotencyKey: [timeEntryId]
  steps:
    - id: charge
      deliver: { operation: billing.addCharge, mapping: time-to-charge }
  policies:
    retry: { maxAttempts: 3, backoff: fixed, initialDelay: 1s, maxDelay: 1s }
    deadLetter: { queue: charges-dead }
    exceptions: { queue: charge-exceptions, owner: finance-ops }
`,
};

async function setUp() {
  const program = loadProgram({ cwd: writeSpecSet(FILES) });
  expect(program.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  const store = await createSqliteStore({ path: ":memory:" });
  const billing = createFakeTarget({ name: "billing", auth: { header: "authorization", value: "Bearer t" } });
  const runtime = createRuntime({
    compiled: compileInMemory(program),
    store,
    env: {},
    clock: { now: () => Date.UTC(2026, 2, 14) },
    random: () => 0.5,
    sleep: async () => undefined,
    transport: fakeTransport([billing]),
  });
  return { store, billing, runtime };
}

describe("checking a request before it is sent", () => {
  it("sends a request its operation's schema accepts", async () => {
    const { store, billing, runtime } = await setUp();
    await runtime.offer({ system: "psa", event: "timeApproved" }, [{ timeEntryId: "t-1", minutes: 30 }]);
    await runtime.drain();

    expect(billing.ledger.map((e) => e.body)).toEqual([{ amount: 60, description: "time t-1" }]);
    expect(await store.listIssues()).toEqual([]);
    await store.close();
  });

  it("makes no call and files the event in the route's exception queue, naming the step, operation and fields, when the body breaks the schema", async () => {
    const { store, billing, runtime } = await setUp();
    await runtime.offer({ system: "psa", event: "timeApproved" }, [{ timeEntryId: "t-2", minutes: 0.25, note: "a note far too long to fit" }]);
    await runtime.drain();

    expect(billing.requests).toBe(0);
    expect(billing.ledger).toEqual([]);
    const issues = await store.listIssues();
    expect(issues.map((i) => [i.kind, i.queue, i.owner, i.deliveryId, i.reason])).toEqual([
      [
        "exception",
        "charge-exceptions",
        "finance-ops",
        null,
        "step charge: the request to billing.addCharge does not match the operation's request schema, so it was not sent: amount must be integer; amount must be >= 1; description must NOT have more than 20 characters",
      ],
    ]);
    expect(issues[0]?.payload).toEqual({ timeEntryId: "t-2", minutes: 0.25, note: "a note far too long to fit" });
    await store.close();
  });

  it("sends the other events of a batch when one of them is refused", async () => {
    const { store, billing, runtime } = await setUp();
    await runtime.offer({ system: "psa", event: "timeApproved" }, [
      { timeEntryId: "t-3", minutes: 10 },
      { timeEntryId: "t-4", minutes: 0 },
      { timeEntryId: "t-5", minutes: 20 },
    ]);
    await runtime.drain();

    expect(billing.ledger.map((e) => (e.body as { description: string }).description).sort()).toEqual(["time t-3", "time t-5"]);
    expect((await store.listIssues()).map((i) => i.reason)).toEqual([
      "step charge: the request to billing.addCharge does not match the operation's request schema, so it was not sent: amount must be >= 1",
    ]);
    await store.close();
  });
});
