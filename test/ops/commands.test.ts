import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { CliIo } from "../../src/cli/io.ts";
import { main } from "../../src/cli/main.ts";
import type { OpsSnapshot } from "../../src/ops/snapshot.ts";
import { statusText } from "../../src/ops/status-text.ts";
import { createSqliteStore } from "../../src/runtime/store/sqlite.ts";
import { projectRoot } from "../../src/testing/environment.ts";

function fakeIo(): CliIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { cwd: projectRoot, env: {}, isTTY: false, stdout: (t) => out.push(t), stderr: (t) => err.push(t), out, err };
}

/**
 * A store (as `spec run` creates one) holding the reference data the example reconciliations look
 * up to price time: a senior consultant, and the rate card in force in March.
 */
async function storeWithRates(dir: string): Promise<string> {
  const store = await createSqliteStore({ path: join(dir, "store.db"), durability: "normal" });
  try {
    await store.loadReferenceData({
      entity: "Resource",
      source: "resources.json",
      rows: [{ key: "R1", validFrom: null, validTo: null, value: { resourceId: "R1", role: "senior-consultant" } }],
      now: 1,
      actor: "test",
    });
    await store.loadReferenceData({
      entity: "RateCard",
      source: "rate-cards.json",
      rows: [
        { key: "RC1", validFrom: "2026-01-01", validTo: "2026-03-01", value: { rateCardId: "RC1", lines: [{ role: "senior-consultant", billRate: "140.00", costRate: "60.00" }] } },
        { key: "RC1", validFrom: "2026-03-01", validTo: null, value: { rateCardId: "RC1", lines: [{ role: "senior-consultant", billRate: "150.00", costRate: "68.50" }] } },
      ],
      now: 1,
      actor: "test",
    });
  } finally {
    await store.close();
  }
  return `sqlite:${join(dir, "store.db")}`;
}

/** An approved day of the senior consultant on P1, priced through the store's rate card. */
const approvedDay = { projectId: "P1", resourceId: "R1", rateCardId: "RC1", workDate: "2026-03-02", minutes: 450, chargeType: "time", status: "approved" };

describe("spec reconcile", () => {
  it("reports a project whose ERP cost differs from its approved time, with both totals, and exits 1", async () => {
    const dir = mkdtempSync(join(tmpdir(), "syncspec-reconcile-"));
    const file = join(dir, "records.json");
    const store = await storeWithRates(dir);
    writeFileSync(
      file,
      JSON.stringify({
        "psa/TimeEntry": [approvedDay],
        "erp/TimeEntry": [{ costPostingId: "j1", projectId: "P1", workDate: "2026-03-02", costAmount: "500.00" }],
        "billing/TimeEntry": [{ projectId: "P1", workDate: "2026-03-02", billAmount: "1125.00" }],
      }),
    );
    const io = fakeIo();
    const code = await main(["reconcile", "--records", file, "--only", "time-cost-postings,billable-time-charges", "--store", store, "specs"], io);
    expect(io.out.join("")).toBe(
      [
        "billable-time-charges: 1 groups, 0 gap(s)",
        "time-cost-postings: 1 groups, 1 gap(s)",
        "  projectId=P1@2026-03 differs by 13.75: approved-time 513.75 (1) vs cost-postings 500.00 (1) -> time-posting-exceptions (finance-ops, exception 1)",
        "",
      ].join("\n"),
    );
    expect(code).toBe(1);
  }, 60_000);

  it("files each gap in the store's exception queue once across runs, and closes it when the sides agree", async () => {
    const dir = mkdtempSync(join(tmpdir(), "syncspec-reconcile-"));
    const file = join(dir, "records.json");
    const psa = [approvedDay];
    const write = (cost: string) => writeFileSync(file, JSON.stringify({ "psa/TimeEntry": psa, "erp/TimeEntry": [{ costPostingId: "j1", projectId: "P1", workDate: "2026-03-02", costAmount: cost }] }));
    const reconcile = async () => {
      const io = fakeIo();
      const code = await main(["reconcile", "--records", file, "--only", "time-cost-postings", "--store", `sqlite:${join(dir, "store.db")}`, "specs"], io);
      return { code, out: io.out.join("") };
    };
    // Only spec run creates a store; the reconciler files into one that exists, and prices time from its rate cards.
    await storeWithRates(dir);
    write("500.00");
    const gap = "  projectId=P1@2026-03 differs by 13.75: approved-time 513.75 (1) vs cost-postings 500.00 (1) -> time-posting-exceptions (finance-ops, exception 1)\n";
    expect(await reconcile()).toEqual({ code: 1, out: `time-cost-postings: 1 groups, 1 gap(s)\n${gap}` });
    expect(await reconcile()).toEqual({ code: 1, out: `time-cost-postings: 1 groups, 1 gap(s)\n${gap}` });
    write("513.75");
    expect(await reconcile()).toEqual({ code: 0, out: "time-cost-postings: 1 groups, 0 gap(s)\n  time-cost-postings projectId=P1@2026-03 agrees again: exception 1 closed\n" });
    const store = await createSqliteStore({ path: join(dir, "store.db"), durability: "normal" });
    try {
      expect((await store.listIssues()).map((i) => [i.id, i.status, i.subject])).toEqual([[1, "closed", "reconciliation:time-cost-postings:projectId=P1@2026-03"]]);
    } finally {
      await store.close();
    }
  }, 60_000);

  it("names the reconciliations there are when asked for one that is not", async () => {
    const io = fakeIo();
    expect(await main(["reconcile", "--records", "x.json", "--only", "nope", "specs"], io)).toBe(2);
    expect(io.err.join("")).toContain("no reconciliation named nope; there are ");
  }, 60_000);

  it("prices time it cannot look up as a problem, and opens the gap, when given records and no store", async () => {
    const dir = mkdtempSync(join(tmpdir(), "syncspec-reconcile-"));
    const file = join(dir, "records.json");
    writeFileSync(file, JSON.stringify({ "psa/TimeEntry": [approvedDay], "erp/TimeEntry": [{ costPostingId: "j1", projectId: "P1", workDate: "2026-03-02", costAmount: "513.75" }] }));
    const io = fakeIo();
    expect(await main(["reconcile", "--records", file, "--only", "time-cost-postings", "specs"], io)).toBe(1);
    expect(io.out.join("")).toBe(
      [
        "time-cost-postings: 1 groups, 1 gap(s)",
        "  projectId=P1@2026-03 differs by 513.75: approved-time 0.00 (0, 1 not measured) vs cost-postings 513.75 (1) -> time-posting-exceptions (finance-ops)",
        "  problem in approved-time: the measure gave nothing, not a decimal (not found: resource: no store to look Resource up in; rateCard: no store to look RateCard up in)",
        "",
      ].join("\n"),
    );
  });

  it("reads the live systems when given neither a file nor a URL, and says which credential it lacks to reach them", async () => {
    const io = fakeIo();
    expect(await main(["reconcile", "--only", "time-cost-postings"], io)).toBe(2);
    expect(io.err.join("")).toMatch(/^spec reconcile: \S+ needs the secret /);
  });
});

describe("spec status", () => {
  it("prints systems, routes, queues and business measures as aligned tables", () => {
    const snapshot: OpsSnapshot = {
      at: 0,
      counts: { events: {}, deliveries: {}, issues: {} },
      systems: [{ system: "erp", circuit: "open", breakerOpened: 2, rateLimitHeadroom: 0.25, callsLastMinute: 45, errorRate: 0.1, attempts: 50, latency: null }],
      routes: [{ route: "time-to-revenue", accepted: 10, open: 2, oldestOpenMs: 1500, p50Ms: 200, p90Ms: 900, slaMs: 3_600_000, slaBreaches: 0 }],
      deadLetters: [],
      exceptions: [],
      reconciliations: [],
      gapNames: {},
      business: {
        measures: [
          { route: "time-to-revenue", name: "time-to-bill", description: "Approval of billable time to its charge", kind: "latency", p50Ms: 2000, p90Ms: null, count: 1, objective: "p90 within 2d", breached: false },
          { route: "time-to-revenue", name: "unposted-time", description: "Approved time not costed", kind: "pending", p50Ms: null, p90Ms: null, count: 3, objective: "at most 0", breached: true },
        ],
        exceptionsPastSla: 0,
      },
    };
    const text = statusText(snapshot);
    expect(text).toContain("system  circuit  headroom  errors  attempts  latency\nerp     open     25.0%     10.0%   50        -");
    expect(text).toContain("time-to-revenue  10        2        1.5s  200ms  900ms  0");
    expect(text).toContain("QUEUES\nnothing open");
    expect(text).toContain("BUSINESS\nmeasure              route            value                         objective      what it means\n");
    expect(text).toContain("time-to-bill         time-to-revenue  2.0s / - (p50/p90, 1 events)  p90 within 2d  Approval of billable time to its charge\n");
    expect(text).toContain("unposted-time (!)    time-to-revenue  3                             at most 0      Approved time not costed\n");
    expect(text).not.toContain("invoices blocked");
  });

  it("says so when the dashboard cannot be reached", async () => {
    const io = fakeIo();
    expect(await main(["status", "--url", "http://127.0.0.1:9", "--token", "t"], io)).toBe(2);
    expect(io.err.join("")).toContain("spec status: cannot reach http://127.0.0.1:9");
  });
});
