/**
 * The simulators' list endpoints over HTTP, paged as the vendors page them: the billing platform
 * (Chargebee) by `limit` and the opaque `offset` it returns as `next_offset`, the ERP (Xero) by
 * `page` and `pageSize`; both narrowed to a period, behind the same credentials and misbehaviour
 * as every other operation.
 */
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

const unix = (day: string): number => Date.parse(`${day}T12:00:00Z`) / 1000;

function seedInvoices(set: SimulatorSet): void {
  const days = ["2026-02-27", "2026-03-01", "2026-03-15", "2026-03-31", "2026-03-31", "2026-04-01"];
  days.forEach((day, i) => {
    set.billing.invoices.set(`UK-${20_000 + i}`, { id: `UK-${20_000 + i}`, customer_id: "c1", subscription_id: "p1", status: "payment_due", start_date: unix(day), currency_code: "GBP", amount: 1000 * (i + 1), amount_paid: 0 });
  });
}

async function billingGet(set: SimulatorSet, query: string, auth = true): Promise<{ status: number; headers: Headers; body: Record<string, unknown> }> {
  const headers: Record<string, string> = auth ? { authorization: `Basic ${Buffer.from(`${set.secrets["chargebee/api-key"]}:`).toString("base64")}` } : {};
  const response = await fetch(`${set.env["BILLING_BASE_URL"]}/invoices${query}`, { headers });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, unknown> };
}

async function erpGet(set: SimulatorSet, path: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const form = new URLSearchParams({ grant_type: "client_credentials", client_id: set.env["ERP_CLIENT_ID"] ?? "", client_secret: set.secrets["xero/erp-client-secret"] ?? "" });
  const token = (await (await fetch(set.env["XERO_TOKEN_URL"] ?? "", { method: "POST", body: form })).json()) as { access_token: string };
  const response = await fetch(`${set.env["ERP_BASE_URL"]}${path}`, { headers: { authorization: `Bearer ${token.access_token}`, "xero-tenant-id": set.env["ERP_TENANT_ID"] ?? "" } });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe("the billing simulator's invoice list", () => {
  it("pages by limit and the offset it returns, ends without next_offset, and narrows to the period's days", async () => {
    const set = await start();
    seedInvoices(set);
    const ids: string[] = [];
    let query = "?limit=2&date[after]=2026-03-01&date[before]=2026-03-31";
    const offsets: (string | undefined)[] = [];
    for (;;) {
      const page = await billingGet(set, query);
      expect(page.status).toBe(200);
      ids.push(...(page.body["list"] as { invoice: { id: string } }[]).map((e) => e.invoice.id));
      const next = page.body["next_offset"] as string | undefined;
      offsets.push(next);
      if (next === undefined) break;
      query = `?limit=2&date[after]=2026-03-01&date[before]=2026-03-31&offset=${encodeURIComponent(next)}`;
    }
    expect(ids).toEqual(["UK-20001", "UK-20002", "UK-20003", "UK-20004"]);
    expect(offsets).toEqual(['["2"]', undefined]);
  });

  it("refuses a missing credential, a bad limit, an offset it never gave and a date that is not a day", async () => {
    const set = await start();
    expect((await billingGet(set, "?limit=2", false)).status).toBe(401);
    for (const query of ["?limit=0", "?limit=101", "?offset=7", "?date[after]=March"]) {
      const answer = await billingGet(set, query);
      expect([query, answer.status, answer.body["api_error_code"]]).toEqual([query, 400, "param_wrong_value"]);
    }
    expect((await billingGet(set, "?date[after]=March")).body["message"]).toBe("date[after] must be a date (YYYY-MM-DD), not 'March'");
  });

  it("answers 429 with Retry-After when it throttles, as for any other operation", async () => {
    const set = await start({ billing: { ...NO_FAULTS, rates: { throttle: 1, error: 0, slow: 0, lose: 0 }, retryAfterSeconds: 3 } });
    const answer = await billingGet(set, "?limit=5");
    expect([answer.status, answer.headers.get("retry-after")]).toEqual([429, "3"]);
  });
});

describe("the ERP simulator's lists", () => {
  it("pages payments by page and pageSize, naming each payment's invoice by number, narrowed by DateFrom and DateTo", async () => {
    const set = await start();
    for (const [i, day] of ["2026-03-05", "2026-03-20", "2026-03-31", "2026-04-02"].entries()) {
      const InvoiceID = `00000000-0000-4000-8000-00000000000${i}`;
      set.erp.invoices.set(InvoiceID, { InvoiceID, InvoiceNumber: `UK-3000${i}`, Type: "ACCREC", Date: day, LineItems: [{ LineAmount: "100.00" }] });
      set.erp.payments.push({ PaymentID: `p${i}`, Invoice: { InvoiceID }, Date: day, Amount: "40.00", Status: "AUTHORISED" });
    }
    const first = await erpGet(set, "/Payments?page=1&pageSize=2&DateFrom=2026-03-01&DateTo=2026-03-31");
    const second = await erpGet(set, "/Payments?page=2&pageSize=2&DateFrom=2026-03-01&DateTo=2026-03-31");
    const numbers = (body: Record<string, unknown>) => (body["Payments"] as { Invoice: { InvoiceNumber: string } }[]).map((p) => p.Invoice.InvoiceNumber);
    expect([first.status, numbers(first.body), numbers(second.body)]).toEqual([200, ["UK-30000", "UK-30001"], ["UK-30002"]]);
    const invoices = await erpGet(set, "/Invoices?page=1&pageSize=10");
    expect((invoices.body["Invoices"] as { Total: number; AmountPaid: number }[]).map((i) => [i.Total, i.AmountPaid])).toEqual([
      [100, 40],
      [100, 40],
      [100, 40],
      [100, 40],
    ]);
  });

  it("refuses a page from 0 and a pageSize over 1000", async () => {
    const set = await start();
    for (const query of ["?page=0", "?pageSize=1001", "?page=two"]) {
      const answer = await erpGet(set, `/Payments${query}`);
      expect([query, answer.status, answer.body["Type"]]).toEqual([query, 400, "ValidationException"]);
    }
  });
});
