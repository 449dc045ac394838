/**
 * A deliver step's `params` fill the operation's path: evaluated when the event is routed, over the
 * record at that step with the enriched values bound (`$project`, carried past a map step), kept
 * out of the request body; a missing value is an exception that names the parameter and the step.
 */
import { describe, expect, it } from "vitest";
import { loadProgram } from "../../src/compiler/program.ts";
import { compileInMemory } from "../../src/testing/compile-in-memory.ts";
import { createRuntime } from "../../src/runtime/engine.ts";
import { createSqliteStore } from "../../src/runtime/store/sqlite.ts";
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
      required: [timeEntryId, projectId, minutes]
      properties:
        timeEntryId: { type: string }
        projectId: { type: string }
        minutes: { type: integer }
  events:
    timeApproved: { delivery: webhook, payload: Time, webhook: { path: /webhooks/psa/time } }
`,
  "specs/billing.yaml": `${head("System", "billing")}spec:
  role: billing
  baseUrl: { env: BILLING_BASE_URL, default: "http://billing.test" }
  auth: { type: bearer, token: { env: BILLING_TOKEN, default: "t" } }
  schemas:
    Charge: { type: object, required: [amount], properties: { amount: { type: integer }, description: { type: string } } }
  operations:
    addCharge:
      method: POST
      path: /subscriptions/{subscription-id}/charges
      effect: create
      request: Charge
      idempotency: { mechanism: key-header, header: Idempotency-Key }
`,
  "specs/project.yaml": `${head("Entity", "Project")}spec:
  identity: [projectId]
  fields:
    projectId: { type: string, required: true }
    subscriptionId: { type: string }
`,
  "specs/time-to-charge.yaml": `${head("Mapping", "time-to-charge")}spec:
  source: { system: psa, schema: Time }
  target: { system: billing, schema: Charge }
  expression: '{ "amount": minutes * 2, "description": "time " & timeEntryId }'
`,
  "specs/route.yaml": `${head("Route", "time-charges")}spec:
  trigger: { event: psa.timeApproved }
  idempotencyKey: [timeEntryId]
  steps:
    - id: project
      enrich: { lookup: reference-data, entity: Project, key: projectId, as: project }
    - id: to-charge
      map: time-to-charge
    - id: charge
      deliver: { operation: billing.addCharge, params: { subscription-id: $project.subscriptionId } }
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

describe("a deliver step's path parameters", () => {
  it("fills the path from params evaluated over the record, with a lookup enriched before a map step, and sends a body without them", async () => {
    const { store, billing, runtime } = await setUp();
    await store.putReferenceData("Project", "p-1", { projectId: "p-1", subscriptionId: "sub 42/a" });
    await runtime.offer({ system: "psa", event: "timeApproved" }, [{ timeEntryId: "t-1", projectId: "p-1", minutes: 30 }]);
    await runtime.drain();

    expect(billing.ledger.map((e) => [e.method, e.path, e.body])).toEqual([
      ["POST", "/subscriptions/sub%2042%2Fa/charges", { amount: 60, description: "time t-1" }],
    ]);
    expect(await store.listIssues()).toEqual([]);
    await store.close();
  });

  it("holds the event in the exception queue, naming the parameter and the step, when its expression gives nothing", async () => {
    const { store, billing, runtime } = await setUp();
    await store.putReferenceData("Project", "p-2", { projectId: "p-2" });
    await runtime.offer({ system: "psa", event: "timeApproved" }, [{ timeEntryId: "t-2", projectId: "p-2", minutes: 15 }]);
    await runtime.drain();

    expect(billing.requests).toBe(0);
    const issues = await store.listIssues();
    expect(issues.map((i) => [i.queue, i.reason])).toEqual([
      [
        "charge-exceptions",
        "step charge: the path parameter subscription-id of billing.addCharge has no value (params.subscription-id gave nothing; it must be a non-empty string or a number)",
      ],
    ]);
    await store.close();
  });
});
