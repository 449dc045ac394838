import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadProgram } from "../../src/compiler/program.ts";
import { creditHoldOf } from "../../src/demo/credit-hold.ts";
import { generateMonth } from "../../src/demo/month/generate.ts";
import { type MonthRun, playMonth } from "../../src/demo/play.ts";
import { type DemoSummary, summarise } from "../../src/demo/summary.ts";
import { renderOverview } from "../../src/dashboard/render.ts";
import { collectSnapshot } from "../../src/ops/snapshot.ts";
import { compileInMemory, reconciliationsOf } from "../../src/testing/compile-in-memory.ts";
import { loadExpressionCompiler } from "../../src/runtime/expression.ts";

let run: MonthRun;
let summary: DemoSummary;

beforeAll(async () => {
  await loadExpressionCompiler();
  const program = await loadProgram({ cwd: process.cwd(), paths: ["specs"] });
  const month = generateMonth({ seed: 7, consultants: 6, projects: 12, timeEntries: 240 });
  run = await playMonth({ month, compiled: compileInMemory(program), reconciliations: reconciliationsOf(program), outageMs: 300, settleTimeoutMs: 60_000 });
  summary = await summarise(run);
}, 120_000);

afterAll(async () => {
  await run?.close();
});

describe("playMonth", () => {
  it("finds exactly the reconciliation gaps the month was seeded with", () => {
    expect(summary.missedGaps).toEqual([]);
    expect(summary.unexpectedGaps).toEqual([]);
    expect(summary.reconciliationGaps).toBe(run.month.seededGaps.length);
  });

  it("reconciles cash through the simulators' paged list endpoints, and finds the payment applied only in the ledger there", async () => {
    expect(Object.keys(summary.liveReconciliations).sort()).toEqual(["billable-time-charges", "invoices-receivables", "payments-invoices", "time-cost-postings"]);
    const [kept] = await run.store.reconciliationRuns({ reconciliation: "payments-invoices" });
    expect(kept?.outcome).toBe("completed");
    expect(kept?.records["invoice-amount-paid"]).toBe(run.simulators.billing.invoices.size);
    expect(kept?.records["collected-payments"]).toBe(run.simulators.billing.transactions.length);
    expect(kept?.records["applied-in-ledger"]).toBe(run.simulators.erp.payments.length);
    const paidOutside = run.month.manualChanges.find((c) => c.kind === "erp-payment");
    const gaps = ((kept?.gaps ?? []) as { group: Record<string, unknown> }[]).map((g) => run.simulators.billing.invoices.get(String(g.group["invoiceId"]))?.["subscription_id"]);
    expect(gaps).toContain(paidOutside?.projectId);
  });

  it("reconciles invoices against receivables read from both lists, bills left out, and finds the receivable changed by hand", async () => {
    const [kept] = await run.store.reconciliationRuns({ reconciliation: "invoices-receivables" });
    expect(kept?.outcome).toBe("completed");
    expect(kept?.records["issued-invoices"]).toBe(run.simulators.billing.invoices.size);
    // The ledger's bills are read too, and left out by the filter: only receivables count.
    const receivables = [...run.simulators.erp.invoices.values()].filter((i) => i["Type"] === "ACCREC");
    expect(receivables.length).toBeLessThan(run.simulators.erp.invoices.size);
    expect(kept?.records["receivables"]).toBe(receivables.length);
    expect(kept?.problems).toEqual([]);
    const adjusted = run.month.manualChanges.find((c) => c.kind === "erp-receivable-adjustment");
    const gaps = ((kept?.gaps ?? []) as { group: Record<string, unknown>; difference: string }[]).map((g) => [
      run.simulators.billing.invoices.get(String(g.group["invoiceId"]))?.["subscription_id"],
      g.difference,
    ]);
    expect(gaps.map((g) => g[0])).toEqual([adjusted?.projectId]);
  });

  it("shows the dashboard the same gap count as the summary, each gap of a kept project named by the project rather than its id", async () => {
    const snapshot = await collectSnapshot({ store: run.store, compiled: run.compiled, reconciliations: () => run.reconciler.latest() });
    const html = renderOverview(snapshot, "demo", "csrf");
    expect(/data-metric="reconciliation-gaps">(\d+)</.exec(html)?.[1]).toBe(String(summary.reconciliationGaps));
    const projectGaps = run.reconciler.latest().flatMap((r) => r.gaps).filter((g) => g.group["projectId"] !== undefined);
    expect(projectGaps.length).toBeGreaterThan(0);
    for (const gap of projectGaps) {
      const project = run.month.projects.find((p) => p.projectId === gap.group["projectId"]);
      // Names come from the projects the runtime kept; the one activated without its contract was
      // never set up, so its gap keeps the project's id.
      const name = project?.contractId === undefined ? project?.projectId : `${project.name} (${project.projectCode})`;
      expect(snapshot.gapNames[gap.key]).toBe(`Project ${name}, ${gap.period}`);
    }
    expect(projectGaps.some((g) => run.month.projects.find((p) => p.projectId === g.group["projectId"])?.contractId !== undefined)).toBe(true);
  });

  it("shows the business measures the specs declare, and only those", async () => {
    const snapshot = await collectSnapshot({ store: run.store, compiled: run.compiled });
    expect(snapshot.business.measures.map((m) => `${m.route}/${m.name}`)).toEqual([
      "opportunity-to-project/project-activation",
      "time-to-revenue/time-to-bill",
      "time-to-revenue/unposted-approved-time",
      "time-to-revenue/blocked-by-missing-contract",
    ]);
    const byName = new Map(snapshot.business.measures.map((m) => [m.name, m]));
    expect(byName.get("time-to-bill")?.count).toBeGreaterThan(0);
    // Every project is set up but the one activated without its contract, which waits as an exception.
    expect(byName.get("project-activation")?.count).toBe(run.month.projects.filter((p) => p.contractId !== undefined).length);
    // The project activated without its contract holds its approved time as exceptions.
    expect(byName.get("blocked-by-missing-contract")?.count).toBeGreaterThan(0);
  });

  it("files each gap as one exception in the store's queue of its reconciliation, tied to no event", async () => {
    const gaps = run.reconciler.latest().flatMap((r) => r.gaps);
    const filed = await run.store.currentGaps();
    expect(filed.map((i) => [i.gap?.reconciliation, i.gap?.key, i.queue, i.owner, i.eventId, i.status]).sort()).toEqual(
      gaps.map((g) => [g.reconciliation, g.key, g.queue, g.owner, null, "open"]).sort(),
    );
    expect(summary.exceptions.open).toBe((await run.store.listIssues({ kind: "exception", status: "open" })).length);
  });

  it("holds the invoices of the client on credit hold and releases them when the hold is lifted, each then a receivable once", async () => {
    const hold = creditHoldOf(run.month);
    if (hold === undefined) throw new Error("the month has a client to hold");
    expect(summary.creditHold).toEqual({ client: hold.name, blocked: expect.any(Number), released: summary.creditHold?.blocked });
    expect(summary.creditHold?.blocked).toBeGreaterThan(0);
    const held = [...run.simulators.billing.invoices.values()].filter((i) => i["customer_id"] === hold.clientId).map((i) => String(i["id"]));
    expect(held.length).toBe(summary.creditHold?.blocked);
    const receivables = [...run.simulators.erp.invoices.values()].map((i) => String(i["InvoiceNumber"]));
    for (const id of held) expect(receivables.filter((n) => n === id)).toHaveLength(1);
    // The rejections were worked by the release, not by a person: none is left open in credit-control.
    const open = (await run.store.listIssues()).filter((i) => i.queue === "credit-control" && i.status === "open");
    expect(open).toEqual([]);
  });

  it("loses no event and applies no effect twice, through throttling, errors, lost answers and an outage", () => {
    expect(summary.settled).toBe(true);
    expect(summary.lost).toBe(0);
    expect(summary.duplicatePostings).toBe(0);
    expect(summary.deadLettered).toBe(0);
  });

  it("ignores the PSA's duplicate webhooks and takes edits after approval as newer versions, with no conflict", () => {
    const duplicates = run.month.events.filter((e) => e.mess === "duplicate").length;
    expect(summary.duplicatesIgnored).toBe(duplicates);
    expect(summary.conflicts).toBe(0);
    expect(summary.accepted).toBe(summary.events - duplicates);
  });

  it("reverses an edited entry's cost journal before posting its new version, and charges the difference, never overwriting", () => {
    const edits = run.month.events.filter((e) => e.mess === "edited-after-approval").map((e) => e.payload as { timeEntryId: string });
    expect(edits).toHaveLength(2);
    // Each edit reverses its cost journal, adjusts its charge and reverses its revenue journal before
    // the new one (the revenue event raised again for the new version), each correction audited.
    expect(summary.corrections).toBe(6);
    const revenue = (id: string) => run.simulators.erp.journals.filter((j) => String(j["Narration"]).endsWith(`[time-${id}]`)).map((j) => String(j["Narration"]).startsWith("Reversal of "));
    for (const { timeEntryId } of edits) expect(revenue(timeEntryId)).toEqual([false, true, false]);
    for (const { timeEntryId } of edits) {
      const journals = run.simulators.erp.journals.filter((j) => String(j["Narration"]).endsWith(`[time ${timeEntryId}]`));
      const costLine = (j: Record<string, unknown> | undefined) => Number(((j?.["JournalLines"] as { LineAmount: string }[] | undefined) ?? [])[0]?.LineAmount);
      expect(journals.map((j) => String(j["Narration"]).startsWith("Reversal of "))).toEqual([false, true, false]);
      expect(costLine(journals[1])).toBe(-costLine(journals[0]));
      expect(costLine(journals[2])).toBeGreaterThan(costLine(journals[0]));
      const charges = run.simulators.billing.records("TimeEntry").filter((c) => c["timeEntryId"] === timeEntryId).map((c) => Number(c["billAmount"]));
      if (charges.length > 0) {
        // The first charge stays; the adjustment charges the hour added after approval.
        expect(charges).toHaveLength(2);
        expect(charges[1]).toBeGreaterThan(0);
      }
    }
  });

  it("posts cost to the ERP for every approved time entry of a project with its contract, an edited one once per version", () => {
    const withContract = new Set(run.month.projects.filter((p) => p.contractId !== undefined).map((p) => p.projectId));
    const approved = run.month.timeEntries.filter((t) => t.approvalStatus === "APPROVED" && withContract.has(t.projectId)).length;
    const edits = run.month.events.filter((e) => e.mess === "edited-after-approval").length;
    const costJournals = run.simulators.erp.journals.filter((j) => String(j["Narration"]).includes("[time "));
    expect(costJournals.filter((j) => !String(j["Narration"]).startsWith("Reversal of ")).length).toBe(approved + edits);
    expect(costJournals.filter((j) => String(j["Narration"]).startsWith("Reversal of ")).length).toBe(edits);
  });

  it("keeps each project with its contract from its activation event, and never the one without", async () => {
    for (const project of run.month.projects) {
      const kept = await run.store.findRecord("Project", project.projectId);
      if (project.contractId === undefined) {
        expect(kept.found).toBe(false);
        continue;
      }
      expect(kept.found).toBe(true);
      const value = (kept as { value: Record<string, unknown> }).value;
      expect([value["legalEntityId"], value["rateCardId"], value["activatedAt"]]).toEqual([project.legalEntityId, project.rateCardId, project.activatedAt]);
    }
  });

  it("writes the ERP's journal id back onto each costed time entry and its receivable id onto each invoice", async () => {
    // The id written back is the one of the entry's current posting: the last one, not its reversal.
    const current = new Map<string, Record<string, unknown>>();
    for (const journal of run.simulators.erp.journals) {
      const narration = String(journal["Narration"]);
      if (narration.includes("[time ") && !narration.startsWith("Reversal of ")) current.set(narration, journal);
    }
    const costJournals = [...new Map([...current.values()].map((j) => [/\[time ([0-9a-f-]+)\]$/.exec(String(j["Narration"]))?.[1], j])).values()];
    expect(costJournals.length).toBeGreaterThan(0);
    for (const journal of costJournals) {
      const entryId = /\[time ([0-9a-f-]+)\]$/.exec(String(journal["Narration"]))?.[1] as string;
      const kept = await run.store.findRecord("TimeEntry", entryId);
      expect((kept as { value?: Record<string, unknown> }).value?.["costPostingId"]).toBe(journal["ManualJournalID"]);
    }
    const receivables = [...run.simulators.erp.invoices.values()].filter((i) => i["Type"] === "ACCREC");
    expect(receivables.length).toBeGreaterThan(0);
    for (const receivable of receivables) {
      const kept = await run.store.findRecord("Invoice", String(receivable["InvoiceNumber"]));
      expect((kept as { value?: Record<string, unknown> }).value?.["erpInvoiceId"]).toBe(receivable["InvoiceID"]);
    }
  });

  it("shows on each costed time entry in the PSA the journal the ERP answered, and nothing on the others", () => {
    const costJournals = run.simulators.erp.journals.filter((j) => String(j["Narration"]).includes("[time "));
    const posted = new Map(costJournals.map((j) => [/\[time ([0-9a-f-]+)\]$/.exec(String(j["Narration"]))?.[1] as string, j["ManualJournalID"]]));
    expect(posted.size).toBeGreaterThan(0);
    expect(new Map(run.simulators.psa.costPostings)).toEqual(posted);
  });
});
