/**
 * A deliver step's query and header parameters: evaluated over the record when the event is
 * routed, sent in the query string and the headers the operation declares, never in the body; a
 * value that comes out empty is left out, one that is an object is an exception naming it.
 */
import { describe, expect, it } from "vitest";
import { loadProgram } from "../../src/compiler/program.ts";
import { createRuntime } from "../../src/runtime/engine.ts";
import { createSqliteStore } from "../../src/runtime/store/sqlite.ts";
import { compileInMemory } from "../../src/testing/compile-in-memory.ts";
import { createFakeTarget } from "../../src/testing/fake-target.ts";
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
      required: [timeEntryId, tenant, minutes]
      properties: { timeEntryId: { type: string }, tenant: { type: string }, minutes: { type: integer }, draft: { type: boolean }, tags: { type: object } }
  events:
    timeApproved: { delivery: webhook, payload: Time, webhook: { path: /webhooks/psa/time } }
`,
  "specs/erp.yaml": `${head("System", "erp")}spec:
  role: erp
  baseUrl: { env: ERP_BASE_URL, default: "http://erp.test/api" }
  auth: { type: bearer, token: { env: ERP_TOKEN, default: "t" } }
  schemas:
    Journal: { type: object, required: [minutes], properties: { minutes: { type: integer } } }
  operations:
    postJournal:
      method: POST
      path: /journals
      effect: create
      request: Journal
      idempotency: { mechanism: key-header, header: Idempotency-Key }
      parameters:
        query: { draft: { type: boolean }, source: { type: string } }
        headers: { Xero-Tenant-Id: { type: string, required: true } }
`,
  "specs/time-to-journal.yaml": `${head("Mapping", "time-to-journal")}spec:
  source: { system: psa, schema: Time }
  target: { system: erp, schema: Journal }
  expression: '{ "minutes": minutes }'
`,
  "specs/route.yaml": `${head("Route", "time-journals")}spec:
  trigger: { event: psa.timeApproved }
  idempotencyKey: [timeEntryId]
  steps:
    - id: post
      deliver:
        operation: erp.postJournal
        mapping: time-to-journal
        query: { draft: draft, source: '"psa"' }
        headers: { Xero-Tenant-Id: tenant }
  policies:
    retry: { maxAttempts: 3, backoff: fixed, initialDelay: 1s, maxDelay: 1s }
    deadLetter: { queue: journals-dead }
    exceptions: { queue: journal-exceptions, owner: finance-ops }
`,
};

async function setUp(files = FILES) {
  const program = loadProgram({ cwd: writeSpecSet(files) });
  expect(program.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  const store = await createSqliteStore({ path: ":memory:" });
  const seen: { url: string; headers: Record<string, string>; body: string | undefined }[] = [];
  const erp = createFakeTarget({ name: "erp", auth: { header: "authorization", value: "Bearer t" } });
  const runtime = createRuntime({
    compiled: compileInMemory(program),
    store,
    env: {},
    clock: { now: () => Date.UTC(2026, 2, 14) },
    random: () => 0.5,
    sleep: async () => undefined,
    transport: (request) => {
      seen.push({ url: request.url, headers: request.headers, body: request.body });
      return erp.handle(request);
    },
  });
  return { store, erp, runtime, seen };
}

describe("a deliver step's query and header parameters", () => {
  it("sends them in the query string and the headers, not in the body, and leaves an empty one out", async () => {
    const { store, runtime, seen } = await setUp();
    await runtime.offer({ system: "psa", event: "timeApproved" }, [
      { timeEntryId: "t-1", tenant: "org-uk", minutes: 30, draft: true },
      { timeEntryId: "t-2", tenant: "org-nl", minutes: 45 },
    ]);
    await runtime.drain();
    expect(seen.map((r) => [r.url, r.headers["Xero-Tenant-Id"], r.body])).toEqual([
      ["http://erp.test/api/journals?draft=true&source=psa", "org-uk", '{"minutes":30}'],
      ["http://erp.test/api/journals?source=psa", "org-nl", '{"minutes":45}'],
    ]);
    expect(seen.every((r) => r.headers["Idempotency-Key"] !== undefined)).toBe(true);
    expect(await store.listIssues()).toEqual([]);
    await store.close();
  });

  it("holds the event as an exception naming the parameter when its value is an object", async () => {
    const { store, runtime, seen } = await setUp({ ...FILES, "specs/route.yaml": (FILES["specs/route.yaml"] as string).replace("headers: { Xero-Tenant-Id: tenant }", "headers: { Xero-Tenant-Id: '$lookup($, \"tags\")' }") });
    await runtime.offer({ system: "psa", event: "timeApproved" }, [{ timeEntryId: "t-3", tenant: "org-uk", minutes: 10, tags: { a: 1 } }]);
    await runtime.drain();
    expect(seen).toEqual([]);
    expect((await store.listIssues()).map((i) => i.reason)).toEqual([
      "step post: the header parameter Xero-Tenant-Id of erp.postJournal gave an object; it must be a string, a number or a boolean",
    ]);
    await store.close();
  });
});
