import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type ReconciliationDefinition, runReconciliation } from "../../src/ops/reconcile/engine.ts";
import { periodOf } from "../../src/ops/reconcile/periods.ts";
import { createReconciler, nextRun } from "../../src/ops/reconcile/reconciler.ts";
import { storeExceptionSink } from "../../src/ops/reconcile/store-sink.ts";
import { createSqliteStore } from "../../src/runtime/store/sqlite.ts";
import type { Store } from "../../src/runtime/store/store.ts";

const timeCost: ReconciliationDefinition = {
  name: "time-cost-postings",
  spec: {
    schedule: "30 2 * * *",
    groupBy: ["projectId"],
    period: "month",
    periodField: "workDate",
    sources: [
      { name: "approved-time", system: "psa", entity: "TimeEntry", filter: 'status in ["approved", "invoiced"]', measure: '$formatNumber($round(minutes * $number(costRate) / 60, 2), "0.00")' },
      { name: "cost-postings", system: "erp", entity: "TimeEntry", filter: "$exists(costPostingId)", measure: "costAmount" },
    ],
    tolerance: { absolute: "1.00", relative: "0.001" },
    onMismatch: { queue: "time-posting-exceptions", owner: "finance-ops", sla: "2d" },
  },
};

const records: Record<string, Record<string, unknown>[]> = {
  "psa/TimeEntry": [
    { timeEntryId: "t1", projectId: "P1", workDate: "2026-03-02", minutes: 450, costRate: "68.50", status: "approved" },
    { timeEntryId: "t2", projectId: "P1", workDate: "2026-03-03", minutes: 60, costRate: "68.50", status: "submitted" },
    { timeEntryId: "t3", projectId: "P2", workDate: "2026-03-03", minutes: 120, costRate: "50.00", status: "approved" },
    { timeEntryId: "t4", projectId: "P2", workDate: "2026-04-01", minutes: 60, costRate: "50.00", status: "approved" },
  ],
  "erp/TimeEntry": [
    { costPostingId: "j1", projectId: "P1", workDate: "2026-03-02", costAmount: "513.75" },
    { costPostingId: "j2", projectId: "P2", workDate: "2026-03-03", costAmount: "100.50" },
    { projectId: "P2", workDate: "2026-03-03", costAmount: "999.00" },
  ],
};
const read = (system: string, entity: string) => records[`${system}/${entity}`] ?? [];

describe("runReconciliation", () => {
  it("reports each project and month whose sides differ beyond the tolerance, with the records behind each side", async () => {
    const result = await runReconciliation(timeCost, read, { now: 0 });
    expect(result.groups).toBe(3);
    expect(result.records).toEqual({ "approved-time": 3, "cost-postings": 2 });
    expect(result.gaps.map((g) => [g.key, g.difference])).toEqual([["projectId=P2@2026-04", "50.00"]]);
    const gap = result.gaps[0];
    expect(gap?.sides.map((s) => [s.source, s.total, s.count])).toEqual([
      ["approved-time", "50.00", 1],
      ["cost-postings", "0.00", 0],
    ]);
    expect(gap?.sides[0]?.records[0]?.["timeEntryId"]).toBe("t4");
    expect(gap).toMatchObject({ queue: "time-posting-exceptions", owner: "finance-ops", slaMs: 172_800_000, period: "2026-04" });
  });

  it("treats a difference within the absolute tolerance as agreement and one cent beyond it as a gap", async () => {
    const within = await runReconciliation(timeCost, (s, e) => (s === "erp" ? [{ costPostingId: "j", projectId: "P1", workDate: "2026-03-02", costAmount: "512.75" }] : read(s, e).slice(0, 1)), { now: 0 });
    expect(within.gaps).toEqual([]);
    const beyond = await runReconciliation(timeCost, (s, e) => (s === "erp" ? [{ costPostingId: "j", projectId: "P1", workDate: "2026-03-02", costAmount: "512.74" }] : read(s, e).slice(0, 1)), { now: 0 });
    expect(beyond.gaps.map((g) => g.difference)).toEqual(["1.01"]);
  });

  it("reports a record whose measure is not a decimal as a problem rather than counting it", async () => {
    const result = await runReconciliation(timeCost, (s) => (s === "erp" ? [{ costPostingId: "j", projectId: "P9", workDate: "2026-03-02", costAmount: "twelve" }] : []), { now: 0 });
    expect(result.problems.map((p) => p.message)).toEqual(['the measure gave "twelve", not a decimal']);
  });
});

describe("createReconciler", () => {
  it("opens one exception per gap, keeps it across runs, and closes it once the sides agree", async () => {
    const opened: string[] = [];
    let erp = records["erp/TimeEntry"] ?? [];
    const reconciler = createReconciler({
      definitions: [timeCost],
      read: (s, e) => (s === "erp" ? erp : read(s, e)),
      sink: {
        open: async (gap) => {
          opened.push(gap.key);
          return opened.length;
        },
      },
      now: () => 1000,
    });
    await reconciler.runAll();
    await reconciler.runAll();
    expect(opened).toEqual(["projectId=P2@2026-04"]);
    erp = [...erp, { costPostingId: "j3", projectId: "P2", workDate: "2026-04-01", costAmount: "50.00" }];
    await reconciler.runAll();
    expect(reconciler.exceptions().map((x) => [x.id, x.closedAt])).toEqual([[1, 1000]]);
    expect(reconciler.latest()[0]?.gaps).toEqual([]);
  });
});

describe("a reconciler filing gaps in the store", () => {
  let dir: string;
  let store: Store;
  const open = () => createSqliteStore({ path: join(dir, "store.db"), durability: "normal" });
  const posted = { costPostingId: "j3", projectId: "P2", workDate: "2026-04-01", costAmount: "50.00" };
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), "syncspec-reconcile-"));
    store = await open();
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const reconcilerOver = (erp: () => Record<string, unknown>[], at: number) =>
    createReconciler({ definitions: [timeCost], read: (s, e) => (s === "erp" ? erp() : read(s, e)), sink: storeExceptionSink(store), now: () => at });

  it("opens one exception in the spec's queue per gap, tied to no event, and opens none again after a restart", async () => {
    const erp = () => records["erp/TimeEntry"] ?? [];
    await reconcilerOver(erp, 1000).runAll();
    const [issue, ...others] = await store.listIssues({ kind: "exception", status: "open" });
    expect(others).toEqual([]);
    expect(issue).toMatchObject({
      queue: "time-posting-exceptions",
      owner: "finance-ops",
      route: "reconciliation:time-cost-postings",
      eventId: null,
      deliveryId: null,
      subject: "reconciliation:time-cost-postings:projectId=P2@2026-04",
      reason: "time-cost-postings: projectId=P2@2026-04 differs by 50.00 (approved-time 50.00 vs cost-postings 0.00)",
      createdAt: 1000,
    });
    const payload = issue?.payload as { difference: string; sides: { source: string; total: string; records: { timeEntryId?: string }[] }[] };
    expect(payload.difference).toBe("50.00");
    expect(payload.sides.map((side) => [side.source, side.total, side.records.map((r) => r.timeEntryId)])).toEqual([
      ["approved-time", "50.00", ["t4"]],
      ["cost-postings", "0.00", []],
    ]);
    await store.close();
    store = await open();
    const restarted = reconcilerOver(erp, 2000);
    await restarted.runAll();
    await restarted.runAll();
    expect((await store.listIssues()).map((i) => i.id)).toEqual([issue?.id]);
    expect(restarted.exceptions()).toMatchObject([{ id: issue?.id, openedAt: 1000, gap: { key: "projectId=P2@2026-04", difference: "50.00" } }]);
    expect((await store.auditTrail()).filter((r) => r.action === "exception.opened")).toHaveLength(1);
  });

  it("closes the exception in the store when the sides agree again, even when another reconciler opened it", async () => {
    let erp = records["erp/TimeEntry"] ?? [];
    await reconcilerOver(() => erp, 1000).runAll();
    const restarted = reconcilerOver(() => erp, 3000);
    erp = [...erp, posted];
    await restarted.runAll();
    const [issue] = await store.listIssues();
    expect(issue).toMatchObject({ status: "closed", resolvedBy: "reconciler", resolution: "the systems agree again", gap: { closedAt: 3000 } });
    expect(restarted.exceptions()).toMatchObject([{ id: issue?.id, openedAt: 1000, closedAt: 3000 }]);
    expect(await store.currentGaps()).toEqual([]);
    expect(await store.verifyAudit()).toMatchObject({ ok: true });
  });

  it("leaves a gap a person skipped alone while it persists, and opens a new exception once it closed and came back", async () => {
    let erp = records["erp/TimeEntry"] ?? [];
    await reconcilerOver(() => erp, 1000).runAll();
    const [issue] = await store.listIssues();
    await store.resolveIssue({ issueId: issue?.id ?? 0, who: "ana", why: "posted by hand next week", now: 1500, action: "skip" });
    const later = reconcilerOver(() => erp, 2000);
    await later.runAll();
    expect((await store.listIssues()).map((i) => [i.id, i.status])).toEqual([[issue?.id, "skipped"]]);
    erp = [...erp, posted];
    await later.runAll();
    erp = erp.slice(0, -1);
    await later.runAll();
    expect((await store.listIssues()).map((i) => [i.status, i.gap?.closedAt ?? null])).toEqual([
      ["skipped", 2000],
      ["open", null],
    ]);
  });
});

describe("schedules and periods", () => {
  it("finds the next run of a daily cron expression and of an interval", () => {
    const at = Date.parse("2026-03-10T03:00:00Z");
    expect(nextRun(timeCost, at)).toBe(Date.parse("2026-03-11T02:30:00Z"));
    expect(nextRun({ ...timeCost, spec: { ...timeCost.spec, schedule: undefined as never, every: "6h" } }, at)).toBe(at + 21_600_000);
  });

  it("puts dates in their day, ISO week and month", () => {
    expect(periodOf("2026-03-10", "month")).toBe("2026-03");
    expect(periodOf("2026-01-01T10:00:00Z", "week")).toBe("2026-W01");
    expect(periodOf("2027-01-01", "week")).toBe("2026-W53");
    expect(periodOf(1_772_323_200, "day")).toBe("2026-03-01");
    expect(periodOf("soon", "day")).toBeUndefined();
  });
});
