/**
 * Secrets a target echoes back: an ERP (a real HTTP server) that answers with the bearer token in
 * its error body and in a header. Nothing of the token may reach the SQLite file or its WAL, the
 * audit chain must still verify, and the dashboard and `/trace` show `[redacted]`.
 */
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { Registry } from "prom-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Dashboard, startDashboard } from "../../src/dashboard/server.ts";
import { createRuntime, type Runtime } from "../../src/runtime/engine.ts";
import { createPostgresStore, dropPostgresSchema, postgresAvailability } from "../../src/runtime/store/postgres.ts";
import { createSqliteStore } from "../../src/runtime/store/sqlite.ts";
import type { Store } from "../../src/runtime/store/store.ts";
import { shouldRun } from "../../src/testing/environment.ts";
import { fixtureDefinitions, project } from "./harness.ts";
import { PG_URL, uniqueSchema } from "./postgres-env.ts";

const TOKEN = "Zq7-erp-token-Kx81mP";

/** Every 8-character piece of the token: none may be stored, or a cut-off token would leak. */
const pieces = Array.from({ length: TOKEN.length - 7 }, (_, i) => TOKEN.slice(i, i + 8));

let server: Server;
let url: string;
let dir: string;
let store: Store;
let runtime: Runtime;
let dashboard: Dashboard;

/** Offers two projects to a runtime over `store` whose ERP echoes the token, until both have failed for good. */
async function playEchoes(on: Store): Promise<Runtime> {
  let time = Date.UTC(2026, 2, 2, 9);
  const played = createRuntime({
    compiled: fixtureDefinitions(),
    store: on,
    env: { ERP_BASE_URL: url, ERP_TOKEN: TOKEN, BILLING_BASE_URL: url },
    clock: { now: () => time },
    sleep: async () => undefined,
    worker: "redaction-worker",
  });
  await played.offer({ system: "psa", event: "projectActivated" }, [project("P-DOWN"), project("P-BAD")]);
  for (let i = 0; i < 8; i++) {
    await played.drain();
    time += 10_000;
  }
  return played;
}

function databaseBytes(): string {
  return ["store.db", "store.db-wal"]
    .map((name) => join(dir, name))
    .filter((path) => existsSync(path))
    .map((path) => readFileSync(path).toString("latin1"))
    .join("\n");
}

beforeAll(async () => {
  // P-DOWN: a 503 that echoes the credential (retried, then a dead letter); P-BAD: a 422 whose echo
  // straddles the 300 characters of an answer that are kept (an exception).
  server = createServer((request, response) => {
    let text = "";
    request.on("data", (chunk: Buffer) => {
      text += chunk.toString();
    });
    request.on("end", () => {
      const auth = request.headers.authorization ?? "";
      const down = text.includes("P-DOWN");
      response.writeHead(down ? 503 : 422, { "content-type": "application/json", "www-authenticate": `Bearer error="invalid_token", token="${auth.slice(7)}"`, "x-echo": auth });
      response.end(down ? JSON.stringify({ error: "upstream unavailable", received: { authorization: auth } }) : JSON.stringify({ error: `${"x".repeat(262)} rejected ${auth}` }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  dir = mkdtempSync(join(tmpdir(), "syncspec-redaction-"));
  store = await createSqliteStore({ path: join(dir, "store.db"), durability: "normal" });
  runtime = await playEchoes(store);
  dashboard = await startDashboard({ store, compiled: fixtureDefinitions(), token: "board", registry: new Registry(), redact: runtime.redactor.text });
}, 60_000);

afterAll(async () => {
  await dashboard?.close();
  await store?.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe("a target that echoes the credential", () => {
  it("dead-letters one and files the other as an exception, with [redacted] where the token was", async () => {
    const dead = await store.listIssues({ kind: "dead-letter", status: "open" });
    const exceptions = await store.listIssues({ kind: "exception", status: "open" });
    expect(dead).toHaveLength(1);
    expect(exceptions).toHaveLength(1);
    expect(dead[0]?.reason).toContain('"authorization":"[redacted]"');
    expect(exceptions[0]?.reason).toMatch(/^erp\.createProject refused the request: 422 {"error":"x+ rejected \[redacted\]"}$/);
    const retries = (await store.auditTrail({ limit: 1000 })).filter((r) => r.action === "delivery.retry");
    expect(retries.length).toBeGreaterThanOrEqual(4);
    for (const r of retries) expect(JSON.stringify(r.detail)).toContain("[redacted]");
  });

  it("leaves no piece of the token in the SQLite file or its WAL", () => {
    const bytes = databaseBytes();
    expect(bytes.length).toBeGreaterThan(0);
    expect(bytes).toContain("[redacted]");
    for (const piece of pieces) expect(bytes.includes(piece), `"${piece}" is in the database`).toBe(false);
    expect(bytes.includes(Buffer.from(TOKEN).toString("base64"))).toBe(false);
  });

  it("keeps an audit chain that verifies", async () => {
    expect(await store.verifyAudit()).toMatchObject({ ok: true });
  });

  it("shows [redacted] on the dashboard and in the trace, and scrubs the token from a row stored before redaction", async () => {
    // A row written by an older version, before secrets were scrubbed.
    await store.openGap({ reconciliation: "r", key: "k", queue: "q", owner: "o", reason: `stale answer: Bearer ${TOKEN}`, payload: {}, now: Date.now() });
    const get = async (path: string) => (await fetch(`${dashboard.url}${path}`, { headers: { authorization: "Bearer board" } })).text();
    const [dead] = await store.listIssues({ kind: "dead-letter", status: "open" });
    for (const text of [await get("/"), await get(`/trace?event=${dead?.eventId}`), await get("/api/snapshot")]) {
      expect(text).toContain("[redacted]");
      for (const piece of pieces) expect(text.includes(piece), `"${piece}" is shown`).toBe(false);
    }
    expect(await get(`/trace?event=${dead?.eventId}`)).toContain('data-action-row="delivery.retry"');
  });
});

describe.runIf(shouldRun("PostgreSQL", await postgresAvailability(PG_URL)))("a target that echoes the credential, on PostgreSQL", () => {
  it("leaves no piece of the token in any table of the schema, and the audit chain verifies", async () => {
    const schema = uniqueSchema("redaction");
    const shared = await createPostgresStore({ connectionString: PG_URL, schema, poolSize: 2 });
    const client = new pg.Client({ connectionString: PG_URL });
    try {
      await playEchoes(shared);
      expect(await shared.listIssues({ kind: "dead-letter", status: "open" })).toHaveLength(1);
      await client.connect();
      const tables = await client.query<{ table_name: string }>("SELECT table_name FROM information_schema.tables WHERE table_schema = $1", [schema]);
      let text = "";
      for (const { table_name } of tables.rows) {
        const rows = await client.query<{ row: string }>(`SELECT to_jsonb(t)::text AS row FROM ${schema}."${table_name}" t`);
        text += rows.rows.map((r) => r.row).join("\n");
      }
      expect(text).toContain("[redacted]");
      for (const piece of pieces) expect(text.includes(piece), `"${piece}" is in the database`).toBe(false);
      expect(await shared.verifyAudit()).toMatchObject({ ok: true });
    } finally {
      await client.end().catch(() => undefined);
      await shared.close();
      await dropPostgresSchema(PG_URL, schema);
    }
  }, 60_000);
});
