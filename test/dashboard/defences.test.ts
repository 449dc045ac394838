/**
 * The dashboard against requests other pages make: a real server, requests as a browser would
 * send them (the cookie attached, an Origin of another port of 127.0.0.1).
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Registry } from "prom-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Dashboard, type DashboardLogEntry, startDashboard } from "../../src/dashboard/server.ts";
import type { CompiledSpecSet } from "../../src/runtime/pipeline.ts";
import { createSqliteStore } from "../../src/runtime/store/sqlite.ts";
import type { Store } from "../../src/runtime/store/store.ts";

const compiled: CompiledSpecSet = { systems: {}, pipelines: [], transforms: {}, validators: {} };

let store: Store;
let dashboard: Dashboard;
let cookie: string;
let csrf: string;
const logged: DashboardLogEntry[] = [];

async function openIssue(n: number): Promise<number> {
  const { issue } = await store.openGap({ reconciliation: "time-cost-postings", key: `projectId=P${n}@2026-03`, queue: "time-exceptions", owner: "finance-ops", reason: "differs", payload: {}, now: 1000 });
  return issue.id ?? 0;
}

beforeAll(async () => {
  store = await createSqliteStore({ path: ":memory:" });
  dashboard = await startDashboard({ store, compiled, token: "operator-token", user: "ana", registry: new Registry(), log: (entry) => logged.push(entry), now: () => 10_000 });
  const login = await fetch(`${dashboard.url}/?token=operator-token`, { redirect: "manual" });
  cookie = login.headers.get("set-cookie")?.split(";")[0] ?? "";
  const page = await (await fetch(`${dashboard.url}/`, { headers: { cookie } })).text();
  csrf = /<meta name="syncspec-csrf" content="([^"]+)">/.exec(page)?.[1] ?? "";
});

afterAll(async () => {
  await dashboard.close();
  await store.close();
});

const port = () => new URL(dashboard.url).port;
const skip = (id: number, headers: Record<string, string>, body = JSON.stringify({ why: "not ours", who: "mallory" })) =>
  fetch(`${dashboard.url}/api/issues/${id}/skip`, { method: "POST", headers: { cookie, ...headers }, body });

describe("the dashboard against cross-site requests", () => {
  it("refuses a text/plain POST from another port of 127.0.0.1 that carries the cookie, and leaves the issue open", async () => {
    const id = await openIssue(1);
    const answer = await skip(id, { "content-type": "text/plain", origin: "http://127.0.0.1:9999" });
    expect(answer.status).toBe(403);
    expect(((await answer.json()) as { error: string }).error).toBe("requests from http://127.0.0.1:9999 may not change anything here (only the dashboard's own page may)");
    expect((await store.issue(id))?.status).toBe("open");
  });

  it("refuses a POST from a page that names no origin, even as JSON with the page's token", async () => {
    const id = await openIssue(2);
    expect((await skip(id, { "content-type": "application/json", "x-syncspec-csrf": csrf })).status).toBe(403);
    expect((await store.issue(id))?.status).toBe("open");
  });

  it("refuses a POST from the dashboard's own origin that lacks the page's CSRF token or sends a wrong one", async () => {
    const id = await openIssue(3);
    const own = `http://127.0.0.1:${port()}`;
    expect((await skip(id, { "content-type": "application/json", origin: own })).status).toBe(403);
    const wrong = await skip(id, { "content-type": "application/json", origin: own, "x-syncspec-csrf": "guess" });
    expect(wrong.status).toBe(403);
    expect(((await wrong.json()) as { error: string }).error).toBe("a change signed in by the cookie must carry the page's x-syncspec-csrf header");
    expect((await store.issue(id))?.status).toBe("open");
  });

  it("refuses a form-encoded POST from its own page, even with the CSRF token", async () => {
    const id = await openIssue(4);
    const answer = await skip(id, { "content-type": "application/x-www-form-urlencoded", origin: `http://localhost:${port()}`, "x-syncspec-csrf": csrf }, "why=x");
    expect(answer.status).toBe(403);
    expect(((await answer.json()) as { error: string }).error).toBe("the body must be JSON (content-type: application/json), not application/x-www-form-urlencoded");
  });

  it("refuses a bearer-token POST from a foreign origin and a bearer-token POST whose body is not JSON", async () => {
    const id = await openIssue(5);
    const bearer = { authorization: "Bearer operator-token" };
    const foreign = await fetch(`${dashboard.url}/api/issues/${id}/skip`, { method: "POST", headers: { ...bearer, "content-type": "application/json", origin: "http://evil.example" }, body: "{}" });
    expect(foreign.status).toBe(403);
    const plain = await fetch(`${dashboard.url}/api/issues/${id}/skip`, { method: "POST", headers: { ...bearer, "content-type": "text/plain" }, body: JSON.stringify({ why: "x" }) });
    expect(plain.status).toBe(403);
    expect((await store.issue(id))?.status).toBe("open");
  });

  it("takes an action from its own page and audits the signed-in operator, not the name in the body", async () => {
    const id = await openIssue(6);
    const answer = await skip(id, { "content-type": "application/json", origin: `http://127.0.0.1:${port()}`, "x-syncspec-csrf": csrf });
    expect(answer.status).toBe(200);
    expect(await answer.json()).toMatchObject({ id, status: "skipped", resolvedBy: "ana" });
    const trail = await store.auditTrail();
    expect(trail.at(-1)).toMatchObject({ actor: "ana", action: "issue.skipped", subject: `issue:${id}`, detail: { why: "not ours" } });
  });

  it("counts and logs every refusal by reason", async () => {
    const metrics = await (await fetch(`${dashboard.url}/metrics`, { headers: { authorization: "Bearer operator-token" } })).text();
    expect(metrics).toContain('syncspec_dashboard_refusals_total{reason="origin"} 3');
    expect(metrics).toContain('syncspec_dashboard_refusals_total{reason="csrf"} 2');
    expect(metrics).toContain('syncspec_dashboard_refusals_total{reason="content-type"} 2');
    expect(logged).toContainEqual(expect.objectContaining({ level: "warn", msg: "dashboard refused a request", reason: "origin", method: "POST", origin: "http://127.0.0.1:9999" }));
    expect(logged).toContainEqual({ level: "info", msg: "dashboard resolved an issue", action: "skip", issue: expect.any(Number), actor: "ana" });
  });
});

describe("the dashboard's pages", () => {
  it("forbid inline script and style, framing and type sniffing", async () => {
    for (const path of ["/", "/trace?trace=x", "/app.js", "/app.css", "/api/snapshot"]) {
      const answer = await fetch(`${dashboard.url}${path}`, { headers: { cookie } });
      expect(answer.status).toBe(200);
      const policy = answer.headers.get("content-security-policy") ?? "";
      expect(policy).toContain("frame-ancestors 'none'");
      expect(policy).toContain("script-src 'self';");
      expect(policy).not.toContain("unsafe-inline");
      expect(answer.headers.get("x-content-type-options")).toBe("nosniff");
      expect(answer.headers.get("referrer-policy")).toBe("same-origin");
    }
    const page = await (await fetch(`${dashboard.url}/`, { headers: { cookie } })).text();
    expect(page).not.toMatch(/<script(?![^>]*\bsrc=)/);
    expect(page).not.toContain("<style");
    expect(page).not.toMatch(/\son[a-z]+=/);
  });

  it("offers a browser without the token a sign-in form, and signs it in with the right token only", async () => {
    const bare = await fetch(`${dashboard.url}/`, { headers: { accept: "text/html" } });
    expect(bare.status).toBe(401);
    expect(await bare.text()).toContain('<form action="/login" method="post">');
    const form = { "content-type": "application/x-www-form-urlencoded", origin: `http://127.0.0.1:${port()}` };
    const wrong = await fetch(`${dashboard.url}/login`, { method: "POST", headers: form, body: "token=guess", redirect: "manual" });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get("set-cookie")).toBeNull();
    const right = await fetch(`${dashboard.url}/login`, { method: "POST", headers: form, body: "token=operator-token", redirect: "manual" });
    expect(right.status).toBe(303);
    expect(right.headers.get("set-cookie")).toMatch(/^syncspec_session=[\w-]{32}; HttpOnly; SameSite=Strict; Path=\/; Max-Age=43200$/);
    const foreign = await fetch(`${dashboard.url}/login`, { method: "POST", headers: { ...form, origin: "http://127.0.0.1:1" }, body: "token=operator-token", redirect: "manual" });
    expect(foreign.status).toBe(403);
  });
});

describe("the dashboard's session cookie", () => {
  it("carries a session that ends, never the token a page on another port could take", async () => {
    let time = 1_000_000;
    const board = await startDashboard({ store, compiled, token: "operator-token", registry: new Registry(), now: () => time });
    try {
      const login = await fetch(`${board.url}/?token=operator-token`, { redirect: "manual" });
      const session = login.headers.get("set-cookie")?.split(";")[0] ?? "";
      expect(session).not.toContain("operator-token");
      expect((await fetch(`${board.url}/api/snapshot`, { headers: { cookie: session } })).status).toBe(200);
      expect((await fetch(`${board.url}/api/snapshot`, { headers: { cookie: "syncspec_session=operator-token" } })).status).toBe(401);
      time += 12 * 60 * 60 * 1000;
      expect((await fetch(`${board.url}/api/snapshot`, { headers: { cookie: session } })).status).toBe(401);
    } finally {
      await board.close();
    }
  });

  it("binds the page's CSRF token to the session: another session's token is refused", async () => {
    const other = (await fetch(`${dashboard.url}/?token=operator-token`, { redirect: "manual" })).headers.get("set-cookie")?.split(";")[0] ?? "";
    const page = await (await fetch(`${dashboard.url}/`, { headers: { cookie: other } })).text();
    const otherCsrf = /<meta name="syncspec-csrf" content="([^"]+)">/.exec(page)?.[1] ?? "";
    expect(otherCsrf).not.toBe(csrf);
    const id = await openIssue(7);
    expect((await skip(id, { "content-type": "application/json", origin: `http://127.0.0.1:${port()}`, "x-syncspec-csrf": otherCsrf })).status).toBe(403);
    expect((await store.issue(id))?.status).toBe("open");
  });
});

describe("the dashboard's address", () => {
  it("binds the host it is given, apart from intake's", async () => {
    const board = await startDashboard({ store, compiled, token: "t", host: "127.0.0.2", registry: new Registry() });
    try {
      expect(board.url).toMatch(/^http:\/\/127\.0\.0\.2:\d+$/);
      expect((await fetch(`${board.url}/api/snapshot`, { headers: { authorization: "Bearer t" } })).status).toBe(200);
    } finally {
      await board.close();
    }
  });

  it("rejects, rather than hangs, when its port is taken", async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
    try {
      const { port: used } = taken.address() as AddressInfo;
      await expect(startDashboard({ store, compiled, port: used, registry: new Registry() })).rejects.toThrow(/EADDRINUSE/);
    } finally {
      await new Promise<void>((resolve) => taken.close(() => resolve()));
    }
  });
});
