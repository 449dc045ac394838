/**
 * A reject step: a business rejection with a reason code, a message and the queue that owns it.
 * The record goes to that queue, audited as rejected; nothing after the step runs and no request
 * reaches a target (counted on the fake ERP's ledger); a message that fails when the event runs
 * still sends the record to its queue, with the evaluation error. The DSL says the same as YAML,
 * `spec fmt` prints it back, and the checker locates a broken message.
 */
import { describe, expect, it } from "vitest";
import { createSourceFile } from "../../src/compiler/diagnostics/source-file.ts";
import { formatDsl } from "../../src/compiler/parse/dsl/format.ts";
import { parseDsl } from "../../src/compiler/parse/dsl/parse-dsl.ts";
import { parseYaml } from "../../src/compiler/parse/yaml/parse-yaml.ts";
import { loadProgram } from "../../src/compiler/program.ts";
import { createOpsMetrics } from "../../src/ops/metrics.ts";
import { collectSnapshot } from "../../src/ops/snapshot.ts";
import { createRuntime } from "../../src/runtime/engine.ts";
import { createSqliteStore } from "../../src/runtime/store/sqlite.ts";
import { compileInMemory } from "../../src/testing/compile-in-memory.ts";
import { checkProperties } from "../../src/testing/properties/check.ts";
import { createFakeTarget, fakeTransport } from "../../src/testing/fake-target.ts";
import { writeSpecSet } from "../../src/testing/spec-fixtures.ts";

const head = (kind: string, name: string) => `apiVersion: syncspec.dev/v1\nkind: ${kind}\nmetadata:\n  name: ${name}\n  version: 1.0.0\n  team: finance-ops\n`;

const ROUTE_STEPS = `  steps:
    - id: invalid-amount
      when: $number(amount) <= 0
      reject: { reason: invalid-amount, message: '"Expense " & expenseId & " claims " & amount & " " & currency', queue: expense-review, owner: finance-ops }
    - id: missing-receipt
      when: $not($exists(receiptRef)) or receiptRef = ""
      reject: { reason: missing-receipt, message: '"Expense " & expenseId & " has no receipt (" & $string($number(note)) & ")"', queue: expense-review, owner: finance-ops }
    - id: post
      deliver: { operation: erp.postExpense }
`;

const FILES: Record<string, string> = {
  "syncspec.yaml": "specs:\n  - specs\n",
  "specs/psa.yaml": `${head("System", "psa")}spec:
  role: psa
  baseUrl: { env: PSA_BASE_URL, default: "http://127.0.0.1:1" }
  auth: { type: bearer, token: { env: PSA_TOKEN, default: "t" } }
  schemas:
    Expense:
      type: object
      required: [expenseId, amount, currency]
      properties:
        expenseId: { type: string }
        amount: { type: string }
        currency: { type: string }
        receiptRef: { type: string }
        note: { type: string }
  events:
    expenseApproved: { delivery: webhook, payload: Expense, webhook: { path: /webhooks/psa/expenses } }
`,
  "specs/erp.yaml": `${head("System", "erp")}spec:
  role: erp
  baseUrl: { env: ERP_BASE_URL, default: "http://erp.test" }
  auth: { type: bearer, token: { env: ERP_TOKEN, default: "t" } }
  operations:
    postExpense:
      method: POST
      path: /expenses
      effect: create
      idempotency: { mechanism: key-header, header: Idempotency-Key }
`,
  "specs/route.yaml": `${head("Route", "expense-to-erp")}spec:
  trigger: { event: psa.expenseApproved }
  idempotencyKey: [expenseId]
${ROUTE_STEPS}  policies:
    retry: { maxAttempts: 3, backoff: fixed, initialDelay: 1s, maxDelay: 1s }
    deadLetter: { queue: expense-dead }
    exceptions: { queue: expense-exceptions, owner: integration-support }
`,
};

async function setUp() {
  const program = loadProgram({ cwd: writeSpecSet(FILES) });
  expect(program.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  const store = await createSqliteStore({ path: ":memory:" });
  const erp = createFakeTarget({ name: "erp", auth: { header: "authorization", value: "Bearer t" } });
  const compiled = compileInMemory(program);
  const runtime = createRuntime({
    compiled,
    store,
    env: {},
    clock: { now: () => Date.UTC(2026, 2, 9) },
    random: () => 0.5,
    sleep: async () => undefined,
    transport: fakeTransport([erp]),
  });
  return { store, erp, runtime, compiled };
}

const expense = (id: string, amount: string, receiptRef?: string, note?: string) => ({
  expenseId: id,
  amount,
  currency: "GBP",
  ...(receiptRef !== undefined ? { receiptRef } : {}),
  ...(note !== undefined ? { note } : {}),
});

describe("a reject step", () => {
  it("files the record in its queue with the reason code, owner and message, audited as rejected and counted, and sends nothing", async () => {
    const { store, erp, runtime, compiled } = await setUp();
    await runtime.offer({ system: "psa", event: "expenseApproved" }, [expense("EX-1", "120.00", "R-1"), expense("EX-4", "-42.00", "R-4"), expense("EX-7", "18.50", "", "7")]);
    await runtime.drain();

    expect(erp.ledger.map((e) => (e.body as { expenseId: string }).expenseId)).toEqual(["EX-1"]);
    expect(erp.requests).toBe(1);
    const issues = await store.listIssues();
    expect(issues.map((i) => [i.kind, i.queue, i.owner, i.reasonCode, i.reason, i.status])).toEqual([
      ["exception", "expense-review", "finance-ops", "invalid-amount", "invalid-amount: Expense EX-4 claims -42.00 GBP", "open"],
      ["exception", "expense-review", "finance-ops", "missing-receipt", "missing-receipt: Expense EX-7 has no receipt (7)", "open"],
    ]);
    expect((await store.counts()).events).toEqual({ routed: 1, rejected: 2 });
    const metrics = createOpsMetrics({ snapshot: () => collectSnapshot({ store, compiled, now: () => Date.UTC(2026, 2, 9) }) });
    const text = await metrics.render();
    expect(text).toContain('syncspec_rejections_open{queue="expense-review",reason="invalid-amount"} 1');
    expect(text).toContain('syncspec_rejections_open{queue="expense-review",reason="missing-receipt"} 1');
    expect(text).toContain('syncspec_events{status="rejected"} 2');
    const rejected = (await store.auditTrail()).filter((e) => e.action === "event.rejected").map((e) => e.detail);
    expect(rejected).toEqual([
      { code: "invalid-amount", step: "invalid-amount", queue: "expense-review", reason: "invalid-amount: Expense EX-4 claims -42.00 GBP" },
      { code: "missing-receipt", step: "missing-receipt", queue: "expense-review", reason: "missing-receipt: Expense EX-7 has no receipt (7)" },
    ]);
    await store.close();
  });

  it("still files the record in its queue, with the evaluation error, when the message fails at run time", async () => {
    const { store, erp, runtime } = await setUp();
    // $number("seven") fails: the message cannot be built, and the rejection stands.
    await runtime.offer({ system: "psa", event: "expenseApproved" }, [expense("EX-8", "30.00", undefined, "seven")]);
    await runtime.drain();

    expect(erp.requests).toBe(0);
    const [issue] = await store.listIssues();
    expect([issue?.queue, issue?.reasonCode]).toEqual(["expense-review", "missing-receipt"]);
    expect(issue?.reason).toMatch(/^missing-receipt: the message of step missing-receipt could not be evaluated: .+/);
    await store.close();
  });

  it("is released by the queue's edit: the corrected record is routed again and posted once", async () => {
    const { store, erp, runtime } = await setUp();
    await runtime.offer({ system: "psa", event: "expenseApproved" }, [expense("EX-7", "18.50", "")]);
    await runtime.drain();
    const [issue] = await store.listIssues();
    await store.resolveIssue({ issueId: issue!.id, who: "ana", why: "receipt found", now: Date.UTC(2026, 2, 9), action: "edit", payload: expense("EX-7", "18.50", "R-7") });
    await runtime.drain();

    expect(erp.ledger.map((e) => e.body)).toEqual([expense("EX-7", "18.50", "R-7")]);
    expect((await store.issue(issue!.id))?.status).toBe("replayed");
    await store.close();
  });
});

describe("the reject step in the DSL", () => {
  const dsl = `route expense-to-erp version 1.0.0 team finance-ops {
  on psa.expenseApproved
  key expenseId

  steps {
    invalid-amount: reject invalid-amount to expense-review owner finance-ops because {{ "Expense " & expenseId & " claims " & amount }} when {{ $number(amount) <= 0 }}
    post: deliver erp.postExpense
  }

  exceptions expense-exceptions owner integration-support
}
`;
  const yaml = `${head("Route", "expense-to-erp")}spec:
  trigger: { event: psa.expenseApproved }
  idempotencyKey: [expenseId]
  steps:
    - id: invalid-amount
      reject: { reason: invalid-amount, message: '"Expense " & expenseId & " claims " & amount', queue: expense-review, owner: finance-ops }
      when: $number(amount) <= 0
    - id: post
      deliver: { operation: erp.postExpense }
  policies:
    exceptions: { queue: expense-exceptions, owner: integration-support }
`;

  it("lowers to exactly the value its YAML gives, and spec fmt prints it back unchanged", () => {
    const file = createSourceFile("route.sync", dsl);
    const [docs, diagnostics] = parseDsl(file);
    expect(diagnostics).toEqual([]);
    const [yamlDocs] = parseYaml(createSourceFile("route.yaml", yaml));
    expect(docs[0]?.value).toEqual(yamlDocs[0]?.value);
    expect(formatDsl(file)).toEqual([dsl, []]);
  });

  it("reports a reject without its message, located at the step", () => {
    const broken = dsl.replace(' because {{ "Expense " & expenseId & " claims " & amount }}', "");
    const [, diagnostics] = parseDsl(createSourceFile("route.sync", broken));
    expect(diagnostics.map((d) => d.code)).toEqual(["dsl-syntax"]);
    expect(diagnostics[0]?.message).toContain("'because'");
  });
});

describe("checking a reject step", () => {
  it("locates a message that is not JSONata at the message", () => {
    const files = { ...FILES, "specs/route.yaml": FILES["specs/route.yaml"]!.replace(`'"Expense " & expenseId & " claims " & amount & " " & currency'`, `'"Expense " & '`) };
    const program = loadProgram({ cwd: writeSpecSet(files) });
    const errors = program.diagnostics.filter((d) => d.severity === "error");
    expect(errors).toHaveLength(1);
    const location = errors[0]?.location;
    expect(location?.file.path).toMatch(/route\.yaml$/);
    // Located inside the step's message, on its line.
    expect(location?.file.text.slice(0, location.start).split("\n").at(-1)).toContain("message:");
  });

  it("refuses a reject step without a queue, naming the field", () => {
    const files = { ...FILES, "specs/route.yaml": FILES["specs/route.yaml"]!.replace("queue: expense-review, owner: finance-ops }\n    - id: missing-receipt", "owner: finance-ops }\n    - id: missing-receipt") };
    const program = loadProgram({ cwd: writeSpecSet(files) });
    expect(program.diagnostics.filter((d) => d.severity === "error").map((d) => d.message)).toEqual([expect.stringContaining("queue")]);
  });
});

describe("the property laws and a reject step", () => {
  it("tell a declared rejection from a loss: no-loss holds on a route that rejects every record it is given", async () => {
    const files = { ...FILES, "specs/route.yaml": FILES["specs/route.yaml"]!.replace("      when: $number(amount) <= 0\n", "") };
    const program = loadProgram({ cwd: writeSpecSet(files) });
    expect(program.ok).toBe(true);
    const report = await checkProperties(program.set, { seed: 20260309, runs: 6 }, compileInMemory(program));
    const laws = report.routes.flatMap((r) => r.properties.map((p) => [p.law, p.status, p.status === "held" ? "" : JSON.stringify(p)]));
    expect(laws).toContainEqual(["no-loss", "held", ""]);
    expect(laws.filter(([, status]) => status === "failed")).toEqual([]);
  }, 30_000);
});
