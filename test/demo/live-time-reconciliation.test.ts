/**
 * The firm's time reconciliations read the simulators' lists live, over HTTP: approved time from
 * the PSA's time list, priced through lookups (the project kept from its event, the rate card in
 * force on the day, the consultant's grade), against the ERP's manual journals, each found on its
 * project through the option's cross-reference reversed. The gaps are the ones the simulators'
 * books give; a list that fails halfway (a month's journals run to several pages) fails the run and
 * opens nothing.
 */
import { afterEach, describe, expect, it } from "vitest";
import { loweredReconciliations } from "../../src/cli/load-compiled.ts";
import { loadProgram } from "../../src/compiler/program.ts";
import { generateMonth } from "../../src/demo/month/generate.ts";
import type { Month } from "../../src/demo/month/types.ts";
import { loadReferenceData } from "../../src/demo/reference-data.ts";
import { priceTime } from "../../src/demo/simulators/psa.ts";
import type { OperationHandler } from "../../src/demo/simulators/server.ts";
import { type SimulatorSet, startSimulators } from "../../src/demo/simulators/start.ts";
import { toDecimal } from "../../src/ops/money.ts";
import { liveReconciler } from "../../src/ops/reconcile/live-reconciler.ts";
import { createRuntime } from "../../src/runtime/engine.ts";
import { loadExpressionCompiler } from "../../src/runtime/expression.ts";
import type { Logger } from "../../src/runtime/logger.ts";
import { createSqliteStore } from "../../src/runtime/store/sqlite.ts";
import type { Store } from "../../src/runtime/store/store.ts";
import { compileInMemory } from "../../src/testing/compile-in-memory.ts";

const program = await loadProgram({ cwd: process.cwd() });
if (!program.ok) throw new Error("the example specs do not compile");
const compiled = compileInMemory(program);
const definitions = loweredReconciliations(program).filter((d) => d.name === "time-cost-postings");
const silent: Logger = { info: () => {}, warn: () => {}, error: () => {} };

let running: { set: SimulatorSet; store: Store } | undefined;
afterEach(async () => {
  await running?.set.close();
  await running?.store.close();
  running = undefined;
});

/**
 * The state a played month leaves for the reconciliation: reference data loaded, every project with
 * its contract kept and given its ERP option (a cross-reference), and a cost journal posted for
 * every approved entry but `unposted`.
 */
async function books(month: Month, unposted: string) {
  await loadExpressionCompiler();
  const set = await startSimulators({ month, systems: compiled.systems, seed: 3, faults: {} });
  const store = await createSqliteStore({ path: ":memory:" });
  running = { set, store };
  await loadReferenceData(store, compiled, month, 1);
  const price = priceTime(month);
  const kept = month.projects.filter((p) => p.contractId !== undefined);
  for (const project of kept) {
    const entity = month.legalEntities.find((e) => e.legalEntityId === project.legalEntityId);
    const option = { TrackingOptionID: `opt-${project.projectId}`, TrackingCategoryID: entity?.projectTrackingCategoryId ?? "", Name: `${project.projectCode} ${project.name}`, Status: "ACTIVE" };
    set.erp.options.set(option.TrackingOptionID, option);
    await store.keepRecord({ entity: "Project", key: project.projectId, version: 1, value: project, source: "opportunity-to-project", traceId: null, now: 1 });
    await store.putXref("Project", "psa", project.projectId, "erp", option.TrackingOptionID, 1);
    for (const entry of month.timeEntries) {
      if (entry.projectId !== project.projectId || entry.approvalStatus !== "APPROVED" || entry.timeEntryId === unposted) continue;
      const cost = toDecimal(price(entry).costCents);
      set.erp.journals.push({
        ManualJournalID: `mj-${entry.timeEntryId}`,
        Narration: `Labour on ${entry.dateUtc.slice(0, 10)} [time ${entry.timeEntryId}]`,
        Date: entry.dateUtc.slice(0, 10),
        Status: "POSTED",
        JournalLines: [
          { LineAmount: cost, AccountCode: entity?.ledgerAccounts.costOfSales, Tracking: [option] },
          { LineAmount: toDecimal(-Math.round(Number(cost) * 100)), AccountCode: entity?.ledgerAccounts.costClearing },
        ],
      });
    }
  }
  const runtime = createRuntime({ compiled, store, env: set.env, secrets: (name) => set.secrets[name], logger: silent });
  const live = liveReconciler({ definitions, compiled, runtime, logger: silent, retryMs: 50 });
  return { set, store, live };
}

describe("the firm's time reconciliation against the simulators' lists", () => {
  const month = generateMonth({ seed: 3, consultants: 9, projects: 24, timeEntries: 1200 });
  const noContract = month.projects.find((p) => p.contractId === undefined);
  const unposted = month.timeEntries.find((t) => t.approvalStatus === "APPROVED" && t.projectId !== noContract?.projectId && t.duration >= 60) as Month["timeEntries"][number];

  it("finds, through live reads and lookups, the gaps the simulators' own books give: the unposted entry and the project never set up", async () => {
    const { set, live } = await books(month, unposted.timeEntryId);
    const journalled = month.projects.find((p) => p.contractId !== undefined && p.projectId !== unposted.projectId) as Month["projects"][number];
    expect(set.erp.postByHand(journalled.projectId, 250_000, "Manual accrual", `${month.period}-20`)).toBe(true);
    const [result] = await live.runAll(undefined, month.period);
    const gap = (project: string | undefined) => result?.gaps.find((g) => g.group["projectId"] === project);
    expect(result?.gaps.map((g) => g.key).sort()).toEqual(
      [`projectId=${journalled.projectId}@${month.period}`, `projectId=${noContract?.projectId}@${month.period}`, `projectId=${unposted.projectId}@${month.period}`].sort(),
    );
    // Each priced gap is what the books say to the cent: the unposted entry's cost, the journal posted by hand.
    expect(gap(unposted.projectId)?.difference).toBe(toDecimal(priceTime(month)(unposted).costCents));
    expect(gap(journalled.projectId)?.difference).toBe("2500.00");
    // Every approved entry of the month was read, and every journal: none left out but the unpriceable.
    const approved = month.timeEntries.filter((t) => t.approvalStatus === "APPROVED" && t.dateUtc.startsWith(month.period));
    const unpriced = approved.filter((t) => t.projectId === noContract?.projectId).length;
    expect(result?.records).toEqual({ "approved-time": approved.length - unpriced, "cost-postings": set.erp.journals.length });
    // The project never set up cannot be priced: its time is reported, not dropped.
    const unset = result?.gaps.find((g) => g.group["projectId"] === noContract?.projectId);
    expect(unset?.sides[0]?.unmeasured).toBeGreaterThan(0);
    expect(unset?.sides[0]?.unmeasured).toBe(unpriced);
    expect(result?.problems).toHaveLength(unpriced);
    expect(result?.problems.every((p) => p.message.includes(`not found: project: no Project ${noContract?.projectId}`))).toBe(true);
  });

  it("fails the run when the journal list fails halfway, opens no gap from the pages it read, and finds them all when tried again", async () => {
    const { set, store, live } = await books(month, unposted.timeEntryId);
    const list = set.erp.handlers["GET /ManualJournals"] as OperationHandler;
    let calls = 0;
    set.erp.handlers["GET /ManualJournals"] = (request) => {
      calls += 1;
      return calls === 2 ? { status: 503, body: { Message: "The service is unavailable" } } : list(request);
    };
    await expect(live.runAll(undefined, month.period)).rejects.toThrow("erp.listManualJournals answered 503 on page 2");
    expect(await store.currentGaps()).toEqual([]);
    expect((await store.reconciliationRuns()).map((r) => [r.outcome, r.gaps.length])).toEqual([["failed", 0]]);
    const [again] = await live.runAll(undefined, month.period);
    expect(again?.gaps.map((g) => g.group["projectId"]).sort()).toEqual([noContract?.projectId, unposted.projectId].sort());
    expect((await store.currentGaps()).length).toBe(2);
  });
});
