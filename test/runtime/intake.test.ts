import { createHmac } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { valueResolver } from "../../src/runtime/delivery/auth.ts";
import { createRuntime } from "../../src/runtime/engine.ts";
import { type IntakeServer, startIntakeServer } from "../../src/runtime/intake/http-server.ts";
import { ingestNdjson } from "../../src/runtime/intake/ndjson.ts";
import { createPoller } from "../../src/runtime/intake/polling.ts";
import { createWebhookHandler } from "../../src/runtime/intake/webhook.ts";
import { createSqliteStore } from "../../src/runtime/store/sqlite.ts";
import { compiledFixture } from "./fixture.ts";
import { type Harness, harness, project } from "./harness.ts";

const sign = (body: string, encoding: "base64" | "hex", prefix = "") => createHmac("sha256", "psa-secret").update(prefix + body).digest(encoding);

describe("webhook intake", () => {
  let h: Harness;
  let server: IntakeServer;
  afterEach(async () => {
    await server.close();
    await h.close();
  });

  async function open(maxBodyBytes?: number) {
    h = await harness();
    const handler = createWebhookHandler({
      compiled: (await import("./harness.ts")).fixtureDefinitions(),
      runtime: h.runtime,
      resolve: valueResolver({}),
      now: h.clock.now,
      ...(maxBodyBytes !== undefined ? { maxBodyBytes } : {}),
    });
    server = await startIntakeServer(handler, { port: 0, ...(maxBodyBytes !== undefined ? { maxBodyBytes } : {}) });
  }

  const post = (path: string, body: string, headers: Record<string, string>) =>
    fetch(`${server.url}${path}`, { method: "POST", body, headers: { "content-type": "application/json", ...headers } });

  it("accepts a correctly signed native payload with 202 once it is stored", async () => {
    await open();
    const body = JSON.stringify(project("p1"));
    const response = await post("/webhooks/psa/projects", body, { "x-psa-signature": sign(body, "base64") });
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ accepted: 1, duplicates: 0, conflicts: 0, refused: [] });
    // Stored, and leased at once to the worker that accepted it.
    expect((await h.store.counts()).events).toEqual({ processing: 1 });
  });

  it("refuses a bad or missing signature with 401 and stores nothing", async () => {
    await open();
    const body = JSON.stringify(project("p1"));
    const bad = await post("/webhooks/psa/projects", body, { "x-psa-signature": sign(`${body} `, "base64") });
    const missing = await post("/webhooks/psa/projects", body, {});
    expect([bad.status, missing.status]).toEqual([401, 401]);
    expect(await bad.json()).toEqual({ error: "the signature does not match" });
    expect(await missing.json()).toEqual({ error: "the x-psa-signature header is missing" });
    expect((await h.store.counts()).events).toEqual({});
  });

  it("checks the timestamp of a timestamped signature against the tolerance", async () => {
    await open();
    const body = JSON.stringify({ timeEntryId: "t1", projectId: "p1", minutes: 30 });
    const fresh = String(Math.floor(h.clock.now() / 1000));
    const stale = String(Math.floor(h.clock.now() / 1000) - 301);
    const ok = await post("/webhooks/psa/time", body, { "x-psa-timestamp": fresh, "x-psa-signature": sign(body, "hex", `${fresh}.`) });
    const old = await post("/webhooks/psa/time", body, { "x-psa-timestamp": stale, "x-psa-signature": sign(body, "hex", `${stale}.`) });
    expect(ok.status).toBe(202);
    expect(old.status).toBe(401);
    expect(await old.json()).toEqual({ error: "the signature's timestamp is outside the tolerance" });
  });

  it("answers 413 to a body over the limit", async () => {
    await open(256);
    const body = JSON.stringify({ ...project("p1"), padding: "x".repeat(400) });
    const response = await post("/webhooks/psa/projects", body, { "x-psa-signature": sign(body, "base64") });
    expect(response.status).toBe(413);
  });

  it("refuses __proto__ and constructor keys anywhere in the payload", async () => {
    await open();
    for (const [body, where] of [
      ['{"projectId":"p1","name":"x","__proto__":{"admin":true}}', "$.__proto__"],
      ['{"projectId":"p1","name":"x","meta":[{"constructor":{"prototype":1}}]}', "$.meta[0].constructor"],
    ] as const) {
      const response = await post("/webhooks/psa/projects", body, { "x-psa-signature": sign(body, "base64") });
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({ error: `the payload contains the forbidden key ${where}` });
    }
  });

  it("reads CloudEvents in structured and binary mode and carries the traceparent's trace id", async () => {
    await open();
    const structured = JSON.stringify({ specversion: "1.0", id: "e1", source: "/psa", type: "project.activated", data: project("p1") });
    const s = await post("/webhooks/psa/projects", structured, {
      "content-type": "application/cloudevents+json",
      "x-psa-signature": sign(structured, "base64"),
      traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
    });
    const binary = JSON.stringify(project("p2"));
    const b = await post("/webhooks/psa/projects", binary, { "ce-specversion": "1.0", "ce-id": "e2", "ce-source": "/psa", "ce-type": "project.activated", "x-psa-signature": sign(binary, "base64") });
    expect([s.status, b.status]).toEqual([202, 202]);
    const trail = await h.store.auditTrail({ traceId: "4bf92f3577b34da6a3ce929d0e0e4736" });
    expect(trail.map((e) => e.detail)).toEqual([{ route: "project-activation", key: "p1", source: "psa.projectActivated" }]);
    const wrong = JSON.stringify({ specversion: "0.3", id: "e3", source: "/psa", type: "t", data: {} });
    const w = await post("/webhooks/psa/projects", wrong, { "content-type": "application/cloudevents+json", "x-psa-signature": sign(wrong, "base64") });
    expect(await w.json()).toEqual({ error: "a CloudEvent must have specversion 1.0" });
  });

  it("answers 404 for a path no system declares", async () => {
    await open();
    expect((await post("/webhooks/nothing", "{}", {})).status).toBe(404);
  });
});

describe("file and polling sources", () => {
  it("loads an NDJSON file, reporting bad lines by number and deduplicating", async () => {
    const h = await harness();
    const path = join(mkdtempSync(join(tmpdir(), "syncspec-ndjson-")), "projects.ndjson");
    writeFileSync(path, `${JSON.stringify(project("p1"))}\nnot json\n${JSON.stringify(project("p1"))}\n${JSON.stringify(project("p2"))}\n`);
    const result = await ingestNdjson(h.runtime, { system: "psa", event: "projectActivated" }, path);
    expect(result).toMatchObject({ lines: 4, accepted: 2, duplicates: 1, conflicts: 0 });
    expect(result.errors).toEqual([{ line: 2, message: expect.stringMatching(/^not JSON: /) }]);
    await h.close();
  });

  it("polls with a durable cursor and moves it only past what was stored", async () => {
    const crm = `apiVersion: syncspec.dev/v1
kind: System
metadata: { name: crm, version: 1.0.0, team: delivery-ops }
spec:
  role: crm
  baseUrl: { env: CRM_URL, default: "http://crm.test" }
  auth: { type: none }
  schemas:
    Change: { type: object, properties: { projectId: { type: string }, name: { type: string }, updatedAt: { type: string } } }
  operations:
    listChanges: { method: GET, path: /changes, effect: read }
  events:
    projectChanged:
      delivery: polling
      payload: Change
      polling: { operation: listChanges, interval: 1m, cursor: updatedAt, cursorParam: since }
---
apiVersion: syncspec.dev/v1
kind: Route
metadata: { name: crm-projects, version: 1.0.0, team: delivery-ops }
spec:
  trigger: { event: crm.projectChanged }
  idempotencyKey: [projectId, updatedAt]
  steps:
    - { id: note, validate: Project }
  policies:
    retry: { maxAttempts: 3, backoff: fixed, initialDelay: 1s, maxDelay: 1s }
    deadLetter: { queue: crm-dlq }
    exceptions: { queue: crm-exceptions, owner: delivery-ops }
`;
    const { compiled } = compiledFixture({ "specs/crm.yaml": crm });
    const store = await createSqliteStore({ path: ":memory:" });
    const seen: string[] = [];
    const pages = [
      [
        { projectId: "p1", name: "A", updatedAt: "2026-01-01T10:00:00Z" },
        { projectId: "p2", name: "B", updatedAt: "2026-01-01T11:00:00Z" },
      ],
      [{ projectId: "p1", name: "A2", updatedAt: "2026-01-02T09:00:00Z" }],
    ];
    const runtime = createRuntime({
      compiled,
      store,
      env: {},
      transport: async (request) => {
        seen.push(request.url);
        return { status: 200, headers: {}, body: { items: pages.shift() ?? [] } };
      },
    });
    const poller = createPoller(compiled, runtime);
    expect(await poller.pollOnce("crm", "projectChanged")).toEqual({ items: 2, accepted: 2, cursor: "2026-01-01T11:00:00Z" });
    expect(await poller.pollOnce("crm", "projectChanged")).toEqual({ items: 1, accepted: 1, cursor: "2026-01-02T09:00:00Z" });
    expect(seen).toEqual(["http://crm.test/changes", "http://crm.test/changes?since=2026-01-01T11%3A00%3A00Z"]);
    expect(await store.cursor("crm.projectChanged")).toBe("2026-01-02T09:00:00Z");
    await store.close();
  });
});
