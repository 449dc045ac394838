import { afterEach, describe, expect, it } from "vitest";
import { loadProgram } from "../../src/compiler/program.ts";
import { generateMonth } from "../../src/demo/month/generate.ts";
import { type FaultSettings, NO_FAULTS } from "../../src/demo/simulators/faults.ts";
import { type SimulatorSet, startSimulators } from "../../src/demo/simulators/start.ts";
import { compileInMemory } from "../../src/testing/compile-in-memory.ts";

const program = await loadProgram({ cwd: process.cwd(), paths: ["specs/systems"] });
const systems = compileInMemory(program).systems;
const month = generateMonth({ seed: 3, consultants: 9, projects: 24, timeEntries: 300 });
let running: SimulatorSet | undefined;

afterEach(async () => {
  await running?.close();
  running = undefined;
});

async function start(faults: Record<string, FaultSettings> = {}): Promise<SimulatorSet> {
  running = await startSimulators({ month, systems, seed: 3, faults });
  return running;
}

async function erpToken(set: SimulatorSet): Promise<Record<string, string>> {
  const form = new URLSearchParams({ grant_type: "client_credentials", client_id: set.env["ERP_CLIENT_ID"] ?? "", client_secret: set.secrets["xero/erp-client-secret"] ?? "" });
  const response = await fetch(set.env["XERO_TOKEN_URL"] ?? "", { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: form });
  const { access_token } = (await response.json()) as { access_token: string };
  return { authorization: `Bearer ${access_token}`, "xero-tenant-id": set.env["ERP_TENANT_ID"] ?? "", "content-type": "application/json" };
}

const journal = (amount: string) =>
  JSON.stringify({
    ManualJournals: [{ Narration: "Labour [time t-1]", Date: "2026-03-02", JournalLines: [{ LineAmount: amount, AccountCode: "5000" }, { LineAmount: `-${amount}`, AccountCode: "2150" }] }],
  });

describe("startSimulators", () => {
  it("points every base URL, token URL and secret of the System specs at a simulator", async () => {
    const set = await start();
    expect(set.env["PSA_BASE_URL"]).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(set.env["ERP_BASE_URL"]).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(set.env["BILLING_BASE_URL"]).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(set.env["XERO_TOKEN_URL"]).toMatch(/\/connect\/token$/);
    expect(Object.keys(set.secrets).sort()).toEqual(["chargebee/api-key", "xero/erp-client-secret", "xero/erp-webhook-key", "xero/psa-client-secret", "xero/psa-webhook-key"]);
  });

  it("answers 401 without credentials and serves the operation with a token and the tenant header", async () => {
    const set = await start();
    const project = month.psaProjects[0]?.projectId ?? "";
    expect((await fetch(`${set.env["PSA_BASE_URL"]}/Projects/${project}`)).status).toBe(401);
    const form = new URLSearchParams({ grant_type: "client_credentials", client_id: set.env["PSA_CLIENT_ID"] ?? "", client_secret: set.secrets["xero/psa-client-secret"] ?? "" });
    const token = (await (await fetch(set.env["XERO_TOKEN_URL"] ?? "", { method: "POST", body: form })).json()) as { access_token: string };
    const ok = await fetch(`${set.env["PSA_BASE_URL"]}/Projects/${project}`, { headers: { authorization: `Bearer ${token.access_token}`, "Xero-Tenant-Id": set.env["PSA_TENANT_ID"] ?? "" } });
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { projectId: string }).projectId).toBe(project);
  });

  it("applies a request once when the same idempotency key is sent twice, and counts a second key with the same body as a duplicate posting", async () => {
    const set = await start();
    const headers = await erpToken(set);
    const url = `${set.env["ERP_BASE_URL"]}/ManualJournals`;
    const first = await fetch(url, { method: "PUT", headers: { ...headers, "idempotency-key": "k1" }, body: journal("10.00") });
    const again = await fetch(url, { method: "PUT", headers: { ...headers, "idempotency-key": "k1" }, body: journal("10.00") });
    expect(first.status).toBe(200);
    expect(await again.json()).toEqual(await first.json());
    expect(set.erp.journals).toHaveLength(1);
    await fetch(url, { method: "PUT", headers: { ...headers, "idempotency-key": "k2" }, body: journal("10.00") });
    const stats = set.stats().find((s) => s.system === "erp");
    expect(stats?.postings).toEqual({ postCostJournal: 2 });
    expect(stats?.duplicatePostings).toBe(1);
    expect(stats?.outcomes.replayed).toBe(1);
  });

  it("rejects an unbalanced journal with a 400 the runtime must not retry", async () => {
    const set = await start();
    const body = JSON.stringify({ ManualJournals: [{ Narration: "x", JournalLines: [{ LineAmount: "1.00", AccountCode: "5000" }, { LineAmount: "-2.00", AccountCode: "2150" }] }] });
    const response = await fetch(`${set.env["ERP_BASE_URL"]}/ManualJournals`, { method: "PUT", headers: await erpToken(set), body });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { Message: string }).Message).toBe("the journal lines must balance");
  });

  it("loses the answer after applying the effect, and a retry with the same key gets the stored answer", async () => {
    const set = await start({ erp: { ...NO_FAULTS, rates: { throttle: 0, error: 0, slow: 0, lose: 1 } } });
    const headers = { ...(await erpToken(set)), "idempotency-key": "lost-1" };
    await expect(fetch(`${set.env["ERP_BASE_URL"]}/ManualJournals`, { method: "PUT", headers, body: journal("5.00") })).rejects.toThrow();
    expect(set.erp.journals).toHaveLength(1);
    expect(set.stats().find((s) => s.system === "erp")?.outcomes.lost).toBe(1);
  });

  it("throttles with Retry-After and fails every request during its outage window", async () => {
    const set = await start({
      billing: { ...NO_FAULTS, rates: { throttle: 1, error: 0, slow: 0, lose: 0 }, retryAfterSeconds: 2 },
      erp: { ...NO_FAULTS, outage: { afterMs: 0, durationMs: 60_000 } },
    });
    const auth = `Basic ${Buffer.from(`${set.secrets["chargebee/api-key"]}:`).toString("base64")}`;
    const throttled = await fetch(`${set.env["BILLING_BASE_URL"]}/invoices/INV-1`, { headers: { authorization: auth } });
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get("retry-after")).toBe("2");
    const down = await fetch(`${set.env["ERP_BASE_URL"]}/ManualJournals`, { method: "PUT", headers: await erpToken(set), body: journal("1.00") });
    expect(down.status).toBe(503);
    expect(set.simulators["erp"]?.down()).toBe(true);
  });

  it("reads form bodies, creates a subscription under its customer and invoices its charges when the term closes", async () => {
    const set = await start({});
    const auth = { authorization: `Basic ${Buffer.from(`${set.secrets["chargebee/api-key"]}:`).toString("base64")}`, "content-type": "application/x-www-form-urlencoded" };
    const base = set.env["BILLING_BASE_URL"];
    const project = month.projects[0];
    const post = (path: string, form: Record<string, string>, key: string) => fetch(`${base}${path}`, { method: "POST", headers: { ...auth, "chargebee-idempotency-key": key }, body: new URLSearchParams(form) });
    expect((await post("/customers", { id: project?.clientId ?? "", company: "Atlas", "billing_address[city]": "Leeds" }, "c1")).status).toBe(200);
    expect(set.billing.customers.get(project?.clientId ?? "")?.["billing_address"]).toEqual({ city: "Leeds" });
    expect((await post(`/customers/${project?.clientId}/subscriptions`, { id: project?.projectId ?? "", plan_id: "tm-monthly-gbp" }, "s1")).status).toBe(200);
    expect((await post(`/subscriptions/${project?.projectId}/add_charge_at_term_end`, { amount: "112500", description: "2026-03-10 · 7.50 h [time t-9]" }, "t1")).status).toBe(200);
    const events = set.billing.closeTerm(1_774_958_400);
    expect(events).toHaveLength(1);
    expect(events[0]?.payload["content"]).toMatchObject({ invoice: { amount: 112_500 } });
    expect(set.records("billing", "TimeEntry")).toEqual([{ timeEntryId: "t-9", projectId: project?.projectId, workDate: "2026-03-10", billAmount: "1125.00" }]);
  });
});
