import { describe, expect, it } from "vitest";
import { collectSnapshot } from "../../src/ops/snapshot.ts";
import { createSqliteStore } from "../../src/runtime/store/sqlite.ts";
import { fixtureDefinitions } from "../runtime/harness.ts";

describe("the operations snapshot", () => {
  it("holds a reconciliation gap to its reconciliation's SLA, carried in the gap", async () => {
    const store = await createSqliteStore({ path: ":memory:" });
    const gap = (key: string, slaMs?: number) => ({
      reconciliation: "time-cost-postings",
      key,
      queue: "finance-recon",
      owner: "finance-ops",
      reason: "the ERP's cost postings differ from the PSA's approved time",
      payload: slaMs === undefined ? {} : { slaMs },
      now: 1_000,
    });
    await store.openGap(gap("projectId=P1@2026-03", 60_000));
    await store.openGap(gap("projectId=P2@2026-03", 3_600_000));
    await store.openGap(gap("projectId=P3@2026-03"));
    const snapshot = await collectSnapshot({ store, compiled: fixtureDefinitions(), now: () => 1_000 + 120_000 });
    expect(snapshot.exceptions.map((e) => [e.gap?.key, e.slaMs, e.pastSla])).toEqual([
      ["projectId=P1@2026-03", 60_000, true],
      ["projectId=P2@2026-03", 3_600_000, false],
      ["projectId=P3@2026-03", null, false],
    ]);
    await store.close();
  });
});

describe("the operations snapshot of a process that runs no reconciliation", () => {
  it("shows the latest completed run of each reconciliation kept in the store", async () => {
    const store = await createSqliteStore({ path: ":memory:" });
    const gap = { reconciliation: "time-journals", group: { projectId: "P1" }, period: "2026-03", key: "projectId=P1@2026-03", difference: "15.00", sides: [], queue: "q", owner: "o" };
    const run = (ranAt: number, outcome: "completed" | "failed", gaps: unknown[]) => ({ reconciliation: "time-journals", ranAt, durationMs: 5, outcome, groups: 2, records: { time: 3 }, gaps, problems: [] });
    await store.recordReconciliationRun(run(1_000, "completed", []));
    await store.recordReconciliationRun(run(2_000, "completed", [gap]));
    await store.recordReconciliationRun({ ...run(3_000, "failed", []), error: "busy" });
    const snapshot = await collectSnapshot({ store, compiled: fixtureDefinitions(), now: () => 4_000 });
    expect(snapshot.reconciliations.map((r) => [r.reconciliation, r.ranAt, r.gaps.map((g) => g.key)])).toEqual([["time-journals", 2_000, ["projectId=P1@2026-03"]]]);
    expect(snapshot.gapNames).toEqual({ "projectId=P1@2026-03": "Project P1, 2026-03" });
    await store.close();
  });
});
