import { Registry } from "prom-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Dashboard, startDashboard } from "../../src/dashboard/server.ts";
import type { CompiledSpecSet } from "../../src/runtime/pipeline.ts";
import { createSqliteStore } from "../../src/runtime/store/sqlite.ts";
import type { Store } from "../../src/runtime/store/store.ts";

const compiled: CompiledSpecSet = {
  systems: {
    erp: { name: "erp", role: "erp", baseUrl: { env: "ERP" }, auth: { type: "none" }, quotas: { requestsPerMinute: 60 }, operations: {}, events: {} },
  },
  pipelines: [
    {
      route: "time-to-revenue",
      version: "1.0.0",
      source: "specs/routes/time-to-revenue.yaml",
      trigger: { kind: "event", system: "psa", event: "timeEntryApproved" },
      idempotencyKey: ["timeEntryId"],
      steps: [{ id: "post-cost", kind: "deliver", system: "erp", operation: "postCostJournal" }],
      policies: { exceptions: { queue: "time-exceptions", owner: "finance-ops", slaMs: 1000 } },
      measures: [
        { name: "unposted-approved-time", description: "Approved time entries without a cost posting in the ERP", kind: "pending", step: "post-cost", objectiveCount: 0 },
        { name: "blocked-by-missing-contract", description: "Approved time held up by missing contract data", kind: "exceptions", reason: "CONTRACT" },
      ],
    },
  ],
  transforms: {},
  validators: {},
};

let store: Store;
let dashboard: Dashboard;
const registry = new Registry();

beforeAll(async () => {
  store = await createSqliteStore({ path: ":memory:" });
  await store.accept(
    [
      { route: "time-to-revenue", key: "t1", payload: { timeEntryId: "t1", projectId: "P1" }, source: "psa.timeEntryApproved", traceId: "trace-1" },
      { route: "time-to-revenue", key: "t2", payload: { timeEntryId: "t2", projectId: "P2" }, source: "psa.timeEntryApproved", traceId: "trace-2" },
    ],
    1000,
  );
  const [first] = await store.claimEvents({ worker: "w", limit: 1, now: 1000, leaseMs: 60_000 });
  await store.settleEvents([{ eventId: first?.id ?? 0, attempt: first?.attempt ?? 0, worker: "w", now: 1000, outcome: "exception", issue: { queue: "time-exceptions", owner: "finance-ops", reason: "TimeEntry is invalid: contractId is required" } }]);
  dashboard = await startDashboard({ store, compiled, token: "secret-token", user: "ana", registry, now: () => 10_000 });
});

afterAll(async () => {
  await dashboard.close();
  await store.close();
});

const get = (path: string, token?: string) => fetch(`${dashboard.url}${path}`, token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } });

describe("startDashboard", () => {
  it("answers 401 to every page, API call and /metrics without the token or with a wrong one", async () => {
    for (const path of ["/", "/api/snapshot", "/metrics", "/trace?trace=trace-1", "/app.js"]) {
      expect((await get(path)).status).toBe(401);
      expect((await get(path, "wrong")).status).toBe(401);
    }
    expect((await fetch(`${dashboard.url}/api/issues/1/skip`, { method: "POST", body: "{}" })).status).toBe(401);
  });

  it("trades a token in the URL for a cookie that then opens the page", async () => {
    const login = await fetch(`${dashboard.url}/?token=secret-token`, { redirect: "manual" });
    expect(login.status).toBe(303);
    const cookie = login.headers.get("set-cookie")?.split(";")[0] ?? "";
    const page = await fetch(`${dashboard.url}/`, { headers: { cookie } });
    expect(page.status).toBe(200);
    const text = await page.text();
    expect(text).toContain('data-metric="exceptions-open">1<');
    expect(text).toContain("TimeEntry is invalid: contractId is required");
  });

  it("shows the store's numbers, backlog per route and exceptions past their SLA", async () => {
    const snapshot = (await (await get("/api/snapshot", "secret-token")).json()) as {
      counts: { events: Record<string, number> };
      routes: { route: string; accepted: number; open: number; oldestOpenMs: number }[];
      business: { exceptionsPastSla: number; measures: { route: string; name: string; count: number; breached: boolean }[] };
    };
    expect(snapshot.counts.events).toEqual({ exception: 1, pending: 1 });
    expect(snapshot.routes).toMatchObject([{ route: "time-to-revenue", accepted: 2, open: 1, oldestOpenMs: 9000 }]);
    expect(snapshot.business.exceptionsPastSla).toBe(1);
    // The measures the route declares, and nothing the route does not: one exception, one event not yet routed.
    expect(snapshot.business.measures.map((m) => [m.route, m.name, m.count, m.breached])).toEqual([
      ["time-to-revenue", "unposted-approved-time", 2, true],
      ["time-to-revenue", "blocked-by-missing-contract", 1, false],
    ]);
  });

  it("serves Prometheus metrics on the registry it was given", async () => {
    const text = await (await get("/metrics", "secret-token")).text();
    expect(text).toContain('syncspec_route_backlog{route="time-to-revenue"} 1');
    expect(text).toContain("syncspec_exceptions_past_sla 1");
    expect(text).toContain('syncspec_system_rate_limit_headroom_ratio{system="erp"} 1');
    expect(text).toContain('syncspec_measure{route="time-to-revenue",measure="unposted-approved-time"} 2');
    expect(text).not.toContain("unposted_approved_time_entries");
  });

  it("refuses an action without a reason, then skips the exception with one and audits the signed-in operator, not the body's name", async () => {
    const post = (body: unknown) =>
      fetch(`${dashboard.url}/api/issues/1/skip`, { method: "POST", headers: { authorization: "Bearer secret-token", "content-type": "application/json" }, body: JSON.stringify(body) });
    const refused = await post({});
    expect(refused.status).toBe(400);
    expect(await refused.json()).toEqual({ error: "why is required: say why, for the audit log" });
    const skipped = await post({ why: "duplicate of t3", who: "mallory" });
    expect(skipped.status).toBe(200);
    expect(await skipped.json()).toMatchObject({ id: 1, status: "skipped", resolvedBy: "ana" });
    expect((await post({ why: "again" })).status).toBe(409);
    const trail = await store.auditTrail();
    expect(trail.at(-1)).toMatchObject({ actor: "ana", action: "issue.skipped", subject: "issue:1" });
  });

  it("shows the trace of a source event", async () => {
    const text = await (await get("/trace?trace=trace-1", "secret-token")).text();
    expect(text).toContain("Trace trace-1");
    expect(text).toContain('data-action-row="event.accepted"');
    expect(text).toContain('data-action-row="event.exception"');
  });
});

describe("a reconciliation gap on the dashboard", () => {
  let gaps: Store;
  let board: Dashboard;
  const reason = "time-cost-postings: projectId=P2@2026-03 differs by 50.00 (approved-time 50.00 vs cost-postings 0.00)";

  beforeAll(async () => {
    gaps = await createSqliteStore({ path: ":memory:" });
    await gaps.openGap({ reconciliation: "time-cost-postings", key: "projectId=P2@2026-03", queue: "time-posting-exceptions", owner: "finance-ops", reason, payload: { difference: "50.00" }, now: 1000 });
    board = await startDashboard({ store: gaps, compiled, token: "gap-token", user: "ana", registry: new Registry(), now: () => 10_000 });
  });

  afterAll(async () => {
    await board.close();
    await gaps.close();
  });

  const page = async () => (await fetch(`${board.url}/`, { headers: { authorization: "Bearer gap-token" } })).text();
  const act = (action: string, body: unknown) =>
    fetch(`${board.url}/api/issues/1/${action}`, { method: "POST", headers: { authorization: "Bearer gap-token", "content-type": "application/json" }, body: JSON.stringify(body) });

  it("lists it in the exception queue with the others, offering skip but neither retry nor edit", async () => {
    const text = await page();
    expect(text).toContain('data-metric="exceptions-open">1<');
    const row = /<tr data-issue="1"[\s\S]*?<\/tr>/.exec(text)?.[0] ?? "";
    expect(row).toContain('data-gap="time-cost-postings"');
    expect(row).toContain("reconciliation:time-cost-postings");
    expect(row).toContain(reason);
    expect(row).toContain('data-action="skip"');
    expect(row).not.toContain('data-action="retry"');
    expect(row).not.toContain('data-action="edit"');
    expect(row).not.toContain("/trace?event=");
  });

  it("answers a retry or an edit with 409 and the reason, and skips it with a reason", async () => {
    const retried = await act("retry", { why: "erp is back" });
    expect(retried.status).toBe(409);
    expect(((await retried.json()) as { error: string }).error).toMatch(/^issue 1 is a reconciliation gap \(time-cost-postings projectId=P2@2026-03\), not an event: there is nothing to retry\./);
    expect((await act("edit", { why: "fix", payload: {} })).status).toBe(409);
    const skipped = await act("skip", { why: "posted by hand next week" });
    expect(skipped.status).toBe(200);
    expect(await skipped.json()).toMatchObject({ id: 1, status: "skipped", resolvedBy: "ana", eventId: null });
    const text = await page();
    expect(text).toContain('data-metric="exceptions-open">0<');
    expect(text).toContain('data-metric="exceptions-resolved">1<');
  });
});
