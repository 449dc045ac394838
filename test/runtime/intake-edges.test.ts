/**
 * Webhook intake against the real HTTP server and a real SQLite store: sender credentials (basic
 * and bearer, by reference), and the edges a hostile or broken sender reaches: deep nesting,
 * forbidden keys at any depth, invalid UTF-8, media types, CloudEvents batches and ids, slow
 * senders, too many connections, and health while the store cannot write.
 */
import { createHmac } from "node:crypto";
import { connect, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { valueResolver } from "../../src/runtime/delivery/auth.ts";
import { storeWriteHealth } from "../../src/runtime/intake/health.ts";
import { type IntakeServer, type IntakeServerOptions, startIntakeServer } from "../../src/runtime/intake/http-server.ts";
import { createWebhookHandler, type IntakeLogEntry } from "../../src/runtime/intake/webhook.ts";
import type { CompiledSpecSet } from "../../src/runtime/pipeline.ts";
import type { Store } from "../../src/runtime/store/store.ts";
import { compiledFixture, FIXTURE_FILES } from "./fixture.ts";
import { type Harness, harness, project } from "./harness.ts";

const sign = (body: string | Buffer) => createHmac("sha256", "psa-secret").update(body).digest("base64");
const PROJECTS = "/webhooks/psa/projects";

/** The fixture with the projects webhook authenticated as `authentication` says (YAML flow text). */
function withAuthentication(authentication: string): CompiledSpecSet {
  const psa = FIXTURE_FILES["specs/psa.yaml"] ?? "";
  const edited = psa.replace("        path: /webhooks/psa/projects\n", `        path: /webhooks/psa/projects\n        authentication: ${authentication}\n`);
  expect(edited).not.toBe(psa);
  return compiledFixture({ "specs/psa.yaml": edited }).compiled;
}

describe("webhook intake at its edges", () => {
  let h: Harness | undefined;
  let server: IntakeServer | undefined;
  let logged: IntakeLogEntry[] = [];
  afterEach(async () => {
    await server?.close();
    await h?.close();
    server = undefined;
    h = undefined;
  });

  async function open(options: { compiled?: CompiledSpecSet; env?: Record<string, string>; server?: Partial<IntakeServerOptions>; store?: Store } = {}) {
    h = await harness({}, options.store);
    logged = [];
    const log = (entry: IntakeLogEntry) => logged.push(entry);
    const handler = createWebhookHandler({
      compiled: options.compiled ?? (await import("./harness.ts")).fixtureDefinitions(),
      runtime: h.runtime,
      resolve: valueResolver(options.env ?? {}),
      now: h.clock.now,
      log,
    });
    server = await startIntakeServer(handler, { port: 0, log, ...options.server });
    return handler;
  }

  const post = (path: string, body: string | Buffer, headers: Record<string, string>) =>
    fetch(`${server?.url}${path}`, { method: "POST", body, headers: { "content-type": "application/json", ...headers } });
  const signed = (body: string | Buffer, headers: Record<string, string> = {}) => post(PROJECTS, body, { "x-psa-signature": sign(body), ...headers });

  describe("sender credentials", () => {
    const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;

    it("accepts HTTP basic credentials that match the referenced secrets and refuses others with 401 and a challenge", async () => {
      const handler = await open({
        compiled: withAuthentication("{ basic: { username: { env: HOOK_USER }, password: { secret: psa/hook-password } } }"),
        env: { HOOK_USER: "chargebee", SECRET_PSA_HOOK_PASSWORD: "s3cret-pass" },
      });
      const body = JSON.stringify(project("p1"));
      const good = await signed(body, { authorization: basic("chargebee", "s3cret-pass") });
      const wrongPassword = await signed(body, { authorization: basic("chargebee", "s3cret-pasS") });
      const wrongUser = await signed(body, { authorization: basic("chargebeX", "s3cret-pass") });
      const none = await signed(body);
      const bearer = await signed(body, { authorization: "Bearer s3cret-pass" });
      expect([good.status, wrongPassword.status, wrongUser.status, none.status, bearer.status]).toEqual([202, 401, 401, 401, 401]);
      expect(wrongPassword.headers.get("www-authenticate")).toBe('Basic realm="syncspec webhooks", charset="UTF-8"');
      expect(await wrongPassword.json()).toEqual({ error: "the credentials are not valid" });
      expect(await none.json()).toEqual({ error: "the request carries no Basic credentials" });
      expect((await h?.store.counts())?.events).toEqual({ processing: 1 });
      expect(handler.counts()).toEqual({ accepted: 1, unauthenticated: 4 });
      expect(logged.filter((e) => e["outcome"] === "unauthenticated")).toHaveLength(4);
      expect(logged[0]).toMatchObject({ level: "warn", msg: "webhook refused", status: 401, system: "psa", event: "projectActivated" });
    });

    it("accepts a bearer token that matches the referenced secret and refuses a wrong one", async () => {
      await open({ compiled: withAuthentication("{ bearer: { token: { secret: psa/hook-token } } }"), env: { SECRET_PSA_HOOK_TOKEN: "tok-123" } });
      const body = JSON.stringify(project("p1"));
      const good = await signed(body, { authorization: "Bearer tok-123" });
      const bad = await signed(body, { authorization: "Bearer tok-124" });
      const longer = await signed(body, { authorization: "Bearer tok-1234" });
      expect([good.status, bad.status, longer.status]).toEqual([202, 401, 401]);
      expect(bad.headers.get("www-authenticate")).toBe('Bearer realm="syncspec webhooks"');
    });

    it("fails at start-up when a credential's reference cannot be resolved", async () => {
      h = await harness();
      const compiled = withAuthentication("{ basic: { username: { env: HOOK_USER }, password: { secret: psa/hook-password } } }");
      expect(() => createWebhookHandler({ compiled, runtime: h!.runtime, resolve: valueResolver({ HOOK_USER: "u" }), now: h!.clock.now })).toThrow(
        "psa.events.projectActivated.webhook.authentication.basic.password needs the secret psa/hook-password (or the environment variable SECRET_PSA_HOOK_PASSWORD)",
      );
    });
  });

  describe("bodies", () => {
    it("answers 400 naming the limit to JSON nested deeper than 64 levels, and stores nothing", async () => {
      await open();
      const body = `{"projectId":"p1","name":"x","deep":${"[".repeat(5000)}${"]".repeat(5000)}}`;
      const response = await signed(body);
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: string }).error).toMatch(/^the payload nests deeper than 64 levels \(at \$\.deep(\[0\]){63}\)$/);
      expect((await h?.store.counts())?.events).toEqual({});
    });

    it("refuses __proto__ below the 64th level as well as above it", async () => {
      await open();
      let inner = '{"__proto__":{"polluted":true}}';
      for (let i = 0; i < 70; i++) inner = `{"a":${inner}}`;
      const deep = await signed(`{"projectId":"p1","name":"x","meta":${inner}}`);
      expect(deep.status).toBe(400);
      let shallow = '{"__proto__":{"polluted":true}}';
      for (let i = 0; i < 60; i++) shallow = `{"a":${shallow}}`;
      const response = await signed(`{"projectId":"p1","name":"x","meta":${shallow}}`);
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: string }).error).toBe(`the payload contains the forbidden key $.meta${".a".repeat(60)}.__proto__`);
    });

    it("refuses a signed body that is not valid UTF-8 with 400 instead of replacing the bytes", async () => {
      await open();
      const body = Buffer.concat([Buffer.from('{"projectId":"p1","name":"caf'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]);
      const response = await signed(body);
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({ error: "the body is not valid UTF-8" });
      expect((await h?.store.counts())?.events).toEqual({});
    });

    it("answers 415 to a body that is not sent as JSON", async () => {
      await open();
      const body = JSON.stringify(project("p1"));
      const plain = await signed(body, { "content-type": "text/plain" });
      const latin1 = await signed(body, { "content-type": "application/json; charset=iso-8859-1" });
      const utf8 = await signed(body, { "content-type": "application/json; charset=UTF-8" });
      expect([plain.status, latin1.status, utf8.status]).toEqual([415, 415, 202]);
      expect(await plain.json()).toEqual({ error: "the Content-Type text/plain is not accepted; send application/json" });
    });

    it("answers 400 with the event's place in the batch to a CloudEvents batch of non-objects, without internal text", async () => {
      await open();
      const event = { specversion: "1.0", id: "e1", source: "/psa", type: "project.activated", data: project("p1") };
      for (const [batch, error] of [
        [[event, null], "$[1] is not a CloudEvent: a CloudEvent is a JSON object"],
        [[1, event], "$[0] is not a CloudEvent: a CloudEvent is a JSON object"],
        [[event, { ...event, id: "" }], "$[1]: a CloudEvent needs the attribute id"],
      ] as const) {
        const body = JSON.stringify(batch);
        const response = await signed(body, { "content-type": "application/cloudevents-batch+json" });
        expect(response.status).toBe(400);
        expect(await response.json()).toEqual({ error });
      }
      expect((await h?.store.counts())?.events).toEqual({});
    });
  });

  describe("CloudEvent ids", () => {
    const event = (id: string, data: unknown) => JSON.stringify({ specversion: "1.0", id, source: "/psa", type: "project.activated", data });
    const structured = (body: string) => signed(body, { "content-type": "application/cloudevents+json" });

    it("answers a redelivered CloudEvent (same source and id, same data) as a duplicate", async () => {
      const handler = await open();
      const first = await structured(event("e1", project("p1")));
      const again = await structured(event("e1", project("p1")));
      expect([first.status, again.status]).toEqual([202, 202]);
      expect(await again.json()).toEqual({ accepted: 0, duplicates: 1, conflicts: 0, refused: [] });
      expect(handler.counts()["duplicate-message"]).toBe(1);
    });

    it("answers 409 to a CloudEvent whose source and id were taken with different data, and stores it nowhere", async () => {
      await open();
      expect((await structured(event("e1", project("p1")))).status).toBe(202);
      // A different project under the same CloudEvent id: the routes' own keys would take it as new.
      const conflict = await structured(event("e1", project("p2")));
      expect(conflict.status).toBe(409);
      expect(await conflict.json()).toEqual({
        accepted: 0,
        duplicates: 0,
        conflicts: 1,
        refused: [],
        error: "the CloudEvent with source /psa and id e1 was already taken with different data",
      });
      const binary = await signed(JSON.stringify(project("p3")), { "ce-specversion": "1.0", "ce-id": "e1", "ce-source": "/psa", "ce-type": "project.activated" });
      expect(binary.status).toBe(409);
      expect((await h?.store.counts())?.events).toEqual({ processing: 1 });
    });

    it("takes the same id from another source as a different event", async () => {
      await open();
      expect((await structured(event("e1", project("p1")))).status).toBe(202);
      const other = JSON.stringify({ specversion: "1.0", id: "e1", source: "/other", type: "project.activated", data: project("p2") });
      const response = await structured(other);
      expect(response.status).toBe(202);
      expect(await response.json()).toMatchObject({ accepted: 1 });
    });
  });

  describe("slow senders and health", () => {
    const rawRequest = (url: string, text: string): Promise<{ socket: Socket; answer: Promise<{ text: string; ms: number }> }> =>
      new Promise((resolve, reject) => {
        const { hostname, port } = new URL(url);
        const started = Date.now();
        const socket = connect(Number(port), hostname, () => {
          socket.write(text);
          const answer = new Promise<{ text: string; ms: number }>((done) => {
            let received = "";
            socket.on("data", (chunk) => {
              received += chunk.toString();
            });
            socket.on("close", () => done({ text: received, ms: Date.now() - started }));
          });
          resolve({ socket, answer });
        });
        socket.on("error", reject);
      });

    it("cuts off a sender that is slow to send its body with 408 after the request timeout", async () => {
      await open({ server: { requestTimeoutMs: 1_000, headersTimeoutMs: 500 } });
      const { answer } = await rawRequest(server?.url ?? "", `POST ${PROJECTS} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"proj`);
      const { text, ms } = await answer;
      expect(text).toMatch(/^HTTP\/1\.1 408/);
      expect(ms).toBeLessThan(3_000);
      expect(logged).toContainEqual(expect.objectContaining({ outcome: "too-slow", status: 408 }));
    });

    it("cuts off a sender that is slow to send its headers", async () => {
      await open({ server: { requestTimeoutMs: 2_000, headersTimeoutMs: 500 } });
      const { answer } = await rawRequest(server?.url ?? "", `POST ${PROJECTS} HTTP/1.1\r\nHost: x\r\n`);
      const { text, ms } = await answer;
      expect(text).toMatch(/^HTTP\/1\.1 408/);
      expect(ms).toBeLessThan(2_500);
    });

    it("closes connections beyond the cap as they arrive, and logs each", async () => {
      await open({ server: { maxConnections: 2 } });
      const held = [await rawRequest(server?.url ?? "", ""), await rawRequest(server?.url ?? "", "")];
      const third = await rawRequest(server?.url ?? "", "");
      const { text } = await third.answer;
      expect(text).toBe("");
      expect(logged).toContainEqual(expect.objectContaining({ outcome: "too-many-connections" }));
      for (const { socket } of held) socket.destroy();
    });

    it("reads the slow-sender limits from the run configuration and names a bad one", async () => {
      const { checkRunConfig } = await import("../../src/runtime/run-config.ts");
      expect(checkRunConfig({}, "/").listen).toEqual({ host: "127.0.0.1", port: 8080, maxBodyBytes: 1024 * 1024, headersTimeoutMs: 5_000, requestTimeoutMs: 10_000, maxConnections: 256 });
      expect(checkRunConfig({ listen: { requestTimeoutMs: 2_000, maxConnections: 8 } }, "/").listen).toMatchObject({ requestTimeoutMs: 2_000, maxConnections: 8 });
      expect(() => checkRunConfig({ listen: { headersTimeoutMs: 0, maxConnections: "many" } }, "/")).toThrow(
        "listen.headersTimeoutMs must be an integer from 100 to 600000; listen.maxConnections must be a positive integer",
      );
    });

    it("answers /healthz with 503 while the store cannot write, and 200 once it can again", async () => {
      let full = false;
      const diskFull = () => Object.assign(new Error("database or disk is full"), { code: "SQLITE_FULL" });
      // The real SQLite store, whose writes fail as they do when its disk is full.
      const { createSqliteStore } = await import("../../src/runtime/store/sqlite.ts");
      const { mkdtempSync } = await import("node:fs");
      const { tmpdir } = await import("node:os");
      const { join } = await import("node:path");
      const real = await createSqliteStore({ path: join(mkdtempSync(join(tmpdir(), "syncspec-health-")), "store.db"), durability: "normal" });
      const store: Store = new Proxy(real, {
        get(target, name, receiver) {
          const value = Reflect.get(target, name, receiver);
          if (["setCursor", "accept"].includes(String(name)) && typeof value === "function") {
            return (...args: unknown[]) => (full ? Promise.reject(diskFull()) : (value as (...a: unknown[]) => unknown).apply(target, args));
          }
          return value;
        },
      });
      let now = 1_000_000;
      const health = storeWriteHealth(store, () => now);
      await open({ store, server: { health } });
      expect((await fetch(`${server?.url}/healthz`)).status).toBe(200);
      full = true;
      now += 5_000;
      const sick = await fetch(`${server?.url}/healthz`);
      expect(sick.status).toBe(503);
      expect(await sick.json()).toEqual({ ok: false, error: "the store cannot write: database or disk is full" });
      const body = JSON.stringify(project("p1"));
      const refused = await signed(body);
      expect(refused.status).toBe(503);
      expect(await refused.json()).toEqual({ error: "the event could not be stored; send it again later" });
      expect(logged).toContainEqual(expect.objectContaining({ outcome: "store-failed", reason: "database or disk is full" }));
      full = false;
      now += 5_000;
      expect((await fetch(`${server?.url}/healthz`)).status).toBe(200);
    });
  });
});

describe("the Chargebee webhooks of specs/", () => {
  it("answer a forged payment event without credentials 401 and take one sent with the referenced basic credentials", async () => {
    const { loadProgram } = await import("../../src/compiler/program.ts");
    const { compiledInMemory } = await import("../../src/cli/load-compiled.ts");
    const { createRuntime } = await import("../../src/runtime/engine.ts");
    const { createSqliteStore } = await import("../../src/runtime/store/sqlite.ts");
    const { projectRoot } = await import("../../src/testing/environment.ts");
    const program = loadProgram({ cwd: projectRoot });
    const compiled = compiledInMemory(program);
    const store = await createSqliteStore({ path: ":memory:" });
    // Every reference resolves to a placeholder; the Chargebee webhook credentials to their own values.
    const env = new Proxy({ SECRET_CHARGEBEE_WEBHOOK_USERNAME: "cb-user", SECRET_CHARGEBEE_WEBHOOK_PASSWORD: "cb-pass" } as Record<string, string>, {
      get: (known, name) => (typeof name !== "string" ? undefined : (known[name] ?? `${name.toLowerCase()}-value`)),
    });
    const runtime = createRuntime({ compiled, store, env });
    const handler = createWebhookHandler({ compiled, runtime, resolve: valueResolver(env), now: Date.now });
    const server = await startIntakeServer(handler, { port: 0 });
    try {
      const body = JSON.stringify({ id: "ev_forged", event_type: "payment_succeeded", content: { transaction: { id: "txn_1", amount: 100000 }, invoice: { id: "inv_1" } } });
      const send = (headers: Record<string, string>) =>
        fetch(`${server.url}/webhooks/chargebee/payments`, { method: "POST", body, headers: { "content-type": "application/json", ...headers } });
      const forged = await send({});
      expect(forged.status).toBe(401);
      expect(forged.headers.get("www-authenticate")).toBe('Basic realm="syncspec webhooks", charset="UTF-8"');
      expect((await send({ authorization: `Basic ${Buffer.from("cb-user:guess").toString("base64")}` })).status).toBe(401);
      const genuine = await send({ authorization: `Basic ${Buffer.from("cb-user:cb-pass").toString("base64")}` });
      expect(genuine.status).toBe(202);
      expect(await genuine.json()).toEqual({ accepted: 1, duplicates: 0, conflicts: 0, refused: [] });
      expect(handler.counts()["unauthenticated"]).toBe(2);
    } finally {
      await server.close();
      await store.close();
    }
  });
});

describe("NDJSON files", () => {
  it("reports a line nested deeper than 64 levels by its number and loads the rest", async () => {
    const { ingestNdjson } = await import("../../src/runtime/intake/ndjson.ts");
    const { mkdtempSync, writeFileSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const h = await harness();
    try {
      const path = join(mkdtempSync(join(tmpdir(), "syncspec-ndjson-")), "projects.ndjson");
      const deep = `{"projectId":"p2","name":"x","deep":${"[".repeat(5000)}${"]".repeat(5000)}}`;
      writeFileSync(path, `${JSON.stringify(project("p1"))}\n${deep}\n${JSON.stringify(project("p3"))}\n`);
      const result = await ingestNdjson(h.runtime, { system: "psa", event: "projectActivated" }, path);
      expect(result.accepted).toBe(2);
      expect(result.errors).toEqual([{ line: 2, message: expect.stringMatching(/^the payload nests deeper than 64 levels \(at \$\.deep/) }]);
    } finally {
      await h.close();
    }
  });
});
