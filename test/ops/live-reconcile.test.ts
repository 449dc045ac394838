/**
 * Reconciliation against live systems: sources read through their declared list operations from
 * real HTTP servers, page by page (page numbers, cursors, offsets), mapped back to the canonical
 * entity; gaps filed in the store and closed when gone; a failing page fails the run; a record
 * whose mapping fails is reported; `spec run` runs them on schedule, never two at once.
 */
import { afterEach, describe, expect, it } from "vitest";
import { liveReconciler } from "../../src/ops/reconcile/live-reconciler.ts";
import { createRuntime } from "../../src/runtime/engine.ts";
import { loadExpressionCompiler } from "../../src/runtime/expression.ts";
import type { LogFields, Logger } from "../../src/runtime/logger.ts";
import { createSqliteStore } from "../../src/runtime/store/sqlite.ts";
import type { Store } from "../../src/runtime/store/store.ts";
import { loweredReconciliations } from "../../src/cli/load-compiled.ts";
import { loadProgram } from "../../src/compiler/program.ts";
import { compileInMemory } from "../../src/testing/compile-in-memory.ts";
import { runCli } from "../../src/testing/spec-fixtures.ts";
import { writeFixture } from "../runtime/fixture.ts";
import { journal, type Lists, RECONCILIATION, serveLists, specFiles, time } from "./live-fixture.ts";

function recordingLogger() {
  const entries: { level: string; msg: string; fields: LogFields }[] = [];
  const logger: Logger = {
    info: (msg, fields = {}) => entries.push({ level: "info", msg, fields }),
    warn: (msg, fields = {}) => entries.push({ level: "warn", msg, fields }),
    error: (msg, fields = {}) => entries.push({ level: "error", msg, fields }),
  };
  return { entries, logger };
}

async function setUp(lists: Lists) {
  await loadExpressionCompiler();
  const served = await serveLists(lists);
  const root = writeFixture(specFiles());
  const program = await loadProgram({ cwd: root });
  if (!program.ok) throw new Error(program.diagnostics.map((d) => `${d.code} ${d.message}`).join("\n"));
  const compiled = compileInMemory(program);
  const store: Store = await createSqliteStore({ path: ":memory:" });
  const { entries, logger } = recordingLogger();
  const runtime = createRuntime({ compiled, store, env: { PSA_BASE_URL: served.psaUrl, ERP_BASE_URL: served.erpUrl }, logger });
  const reconciler = liveReconciler({ definitions: loweredReconciliations(program), compiled, runtime, logger, retryMs: 50 });
  return { served, store, reconciler, entries, root, close: async () => Promise.all([served.close(), store.close()]) };
}

describe("live reconciliation", () => {
  let close: (() => Promise<unknown>) | undefined;
  afterEach(async () => {
    await close?.();
    close = undefined;
  });

  it("reads every page of both lists, finds the gap, files it in the store and closes it once the systems agree", async () => {
    const lists: Lists = {
      psa: [time("t1", "P1", 60), time("t2", "P1", 30), time("t3", "P2", 45), time("t4", "P2", 15), time("t5", "P3", 10)],
      erp: [journal("t1", "P1", 60), journal("t2", "P1", 30), journal("t3", "P2", 45), journal("t5", "P3", 10)],
    };
    const s = await setUp(lists);
    close = s.close;
    const [first] = await s.reconciler.runAll();
    expect(first?.records).toEqual({ "approved-time": 5, journals: 4 });
    expect(first?.gaps.map((g) => [g.key, g.difference])).toEqual([["projectId=P2@2026-03", "15.00"]]);
    // Three pages of two from the PSA (the last one short), two cursors' worth from the ERP.
    expect(s.served.requests.filter((r) => r.startsWith("/psa")).map((r) => new URL(r, "http://x").searchParams.get("page"))).toEqual(["1", "2", "3"]);
    expect(s.served.requests.filter((r) => r.startsWith("/erp"))).toEqual(["/erp/journals", "/erp/journals?cursor=2"]);
    const [filed] = await s.store.currentGaps();
    expect([filed?.gap?.key, filed?.queue, filed?.owner, filed?.status]).toEqual(["projectId=P2@2026-03", "time-gaps", "finance-ops", "open"]);
    lists.erp.push(journal("t4", "P2", 15));
    const [second] = await s.reconciler.runAll();
    expect(second?.gaps).toEqual([]);
    expect(await s.store.currentGaps()).toEqual([]);
    expect((await s.store.listIssues({ kind: "exception" })).map((i) => i.status)).toEqual(["closed"]);
    expect(s.entries.filter((e) => e.fields["event"] === "reconciliation.run").map((e) => e.fields["gaps"])).toEqual([["projectId=P2@2026-03"], []]);
    // Both runs are kept in the store, newest first, the first with its gap and the records behind it.
    const kept = await s.store.reconciliationRuns({ reconciliation: "time-journals" });
    expect(kept.map((r) => [r.outcome, r.groups, r.records, r.gaps.length])).toEqual([
      ["completed", 3, { "approved-time": 5, journals: 5 }, 0],
      ["completed", 3, { "approved-time": 5, journals: 4 }, 1],
    ]);
    expect(kept[1]?.gaps[0]).toMatchObject({ key: "projectId=P2@2026-03", difference: "15.00", sides: [{ source: "approved-time", count: 2, records: [{ timeEntryId: "t3" }, { timeEntryId: "t4" }] }, { source: "journals", count: 1 }] });
  });

  it("fails the run when a page fails halfway, opens no gap from the partial data, and says so", async () => {
    const lists: Lists = { psa: [time("t1", "P1", 60), time("t2", "P2", 30)], erp: [journal("t1", "P1", 60), journal("t2", "P2", 30), journal("t9", "P9", 5)], failErpPage: { page: 2, status: 503 } };
    const s = await setUp(lists);
    close = s.close;
    await expect(s.reconciler.runAll()).rejects.toThrow("erp.listJournals answered 503 on page 2");
    expect(await s.store.currentGaps()).toEqual([]);
    expect(s.reconciler.latest()).toEqual([]);
    expect(await s.store.reconciliationRuns()).toEqual([expect.objectContaining({ reconciliation: "time-journals", outcome: "failed", error: "erp.listJournals answered 503 on page 2", gaps: [] })]);
    expect(s.entries.find((e) => e.fields["event"] === "reconciliation.failed")).toMatchObject({ level: "error", fields: { reconciliation: "time-journals", reason: "erp.listJournals answered 503 on page 2" } });
    // Tried again, it reads every page and finds the journal without approved time.
    const [again] = await s.reconciler.runAll();
    expect(again?.gaps.map((g) => g.key)).toEqual(["projectId=P9@2026-03"]);
  });

  it("waits for a page that asks to (429 with a short Retry-After) and reads on; a long wait fails the run", async () => {
    const lists: Lists = { psa: [time("t1", "P1", 60)], erp: [journal("t1", "P1", 60), journal("t2", "P1", 5), journal("t3", "P1", 5)], throttleErpPage: { page: 2, retryAfter: "1", times: 1 } };
    const s = await setUp(lists);
    close = s.close;
    const [result] = await s.reconciler.runAll();
    expect(result?.records).toEqual({ "approved-time": 1, journals: 3 });
    expect(s.entries.find((e) => e.fields["event"] === "reconciliation.read-wait")).toMatchObject({ level: "info", fields: { system: "erp", operation: "listJournals", page: 2, waitMs: 1000 } });
    lists.throttleErpPage = { page: 2, retryAfter: "120", times: 1 };
    await expect(s.reconciler.runAll()).rejects.toThrow("erp.listJournals answered 429 on page 2");
  });

  it("reports a record whose mapping fails and compares the rest", async () => {
    const s = await setUp({ psa: [time("t1", "P1", 60)], erp: [journal("t1", "P1", 60), { reference: "t2", projectId: "P1", minutes: "a lot", date: "2026-03-11" }] });
    close = s.close;
    const [result] = await s.reconciler.runAll();
    expect(result?.gaps).toEqual([]);
    expect(result?.problems).toEqual([expect.objectContaining({ source: "journals", record: expect.objectContaining({ reference: "t2" }) })]);
    expect(result?.problems[0]?.message).toMatch(/^mapping erp-journal-read failed: /);
    expect(s.entries.some((e) => e.fields["event"] === "reconciliation.record-skipped" && e.fields["source"] === "journals")).toBe(true);
  });

  it("reconciles one period, asking the list for that period only", async () => {
    const s = await setUp({ psa: [time("t1", "P1", 60, "2026-02-27"), time("t2", "P1", 30, "2026-03-02")], erp: [journal("t2", "P1", 30, "2026-03-02")] });
    close = s.close;
    const [march] = await s.reconciler.runAll(undefined, "2026-03");
    expect(march?.gaps).toEqual([]);
    expect((await s.store.reconciliationRuns())[0]?.period).toBe("2026-03");
    expect(s.served.requests[0]).toContain("dateAfter=2026-03-01&dateBefore=2026-03-31");
    const [all] = await s.reconciler.runAll();
    expect(all?.gaps.map((g) => g.key)).toEqual(["projectId=P1@2026-02"]);
  });

  it("never runs one reconciliation twice at once: a second request joins the run under way", async () => {
    const s = await setUp({ psa: [time("t1", "P1", 60)], erp: [journal("t1", "P1", 60)] });
    close = s.close;
    const [a, b] = await Promise.all([s.reconciler.runAll(), s.reconciler.runAll()]);
    expect(a?.[0]).toBe(b?.[0]);
    expect(s.served.requests.filter((r) => r.startsWith("/psa"))).toHaveLength(1);
  });

  it("reads the runtime's own state as a source: the records it keeps from events, against the live system", async () => {
    await loadExpressionCompiler();
    const served = await serveLists({ psa: [], erp: [journal("t1", "P1", 60), journal("t2", "P2", 30)] });
    const stateSource = RECONCILIATION.replace(
      `      read:
        operation: listTime
        items: items
        pagination: { style: page, param: page, sizeParam: pageSize, size: 2 }
        period: { from: dateAfter, to: dateBefore }
        mapping: psa-time-read
`,
      "      read: { state: true }\n",
    );
    const root = writeFixture(specFiles(stateSource));
    const program = await loadProgram({ cwd: root });
    if (!program.ok) throw new Error(program.diagnostics.map((d) => d.message).join("\n"));
    const compiled = compileInMemory(program);
    const store = await createSqliteStore({ path: ":memory:" });
    close = async () => Promise.all([served.close(), store.close()]);
    for (const t of [time("t1", "P1", 60), time("t2", "P2", 45)]) {
      await store.keepRecord({ entity: "TimeEntry", key: String(t.timeEntryId), version: 1, value: t, source: "time-to-revenue", traceId: null, now: 1 });
    }
    const { logger } = recordingLogger();
    const runtime = createRuntime({ compiled, store, env: { PSA_BASE_URL: served.psaUrl, ERP_BASE_URL: served.erpUrl }, logger });
    const reconciler = liveReconciler({ definitions: loweredReconciliations(program), compiled, runtime, logger });
    const [result] = await reconciler.runAll();
    expect(result?.records).toEqual({ "approved-time": 2, journals: 2 });
    expect(result?.gaps.map((g) => [g.key, g.difference])).toEqual([["projectId=P2@2026-03", "15.00"]]);
    expect(served.requests.some((r) => r.startsWith("/psa"))).toBe(false);
  });

  it("runs live with spec reconcile, and refuses a period it cannot read", async () => {
    const served = await serveLists({ psa: [time("t1", "P1", 60)], erp: [] });
    close = served.close;
    const root = writeFixture({ ...specFiles(), "syncspec.run.yaml": "store: sqlite:reconcile.db\n" });
    const env = { PSA_BASE_URL: served.psaUrl, ERP_BASE_URL: served.erpUrl };
    const result = await runCli(["reconcile", "--period", "2026-03"], root, env);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("time-journals: 1 groups, 1 gap(s)\n  projectId=P1@2026-03 differs by 60.00: approved-time 60.00 (1) vs journals 0.00 (0) -> time-gaps (finance-ops, exception 1)\n");
    const bad = await runCli(["reconcile", "--period", "March"], root, env);
    expect([bad.code, bad.stderr]).toEqual([2, expect.stringContaining("--period must be a month (2026-03), an ISO week (2026-W11) or a day (2026-03-10), not 'March'")]);
  });
});

describe("a reconciliation's read declaration", () => {
  it("is written in the DSL as in YAML, and converts back unchanged", async () => {
    const root = writeFixture(specFiles());
    const dsl = await runCli(["fmt", "--to", "dsl", "specs/reconciliation.yaml"], root);
    expect(dsl.stdout).toContain("      read {\n        operation listTime\n        items items\n        pagination { style page, param page, sizeParam pageSize, size 2 }\n");
    const { "specs/reconciliation.yaml": _yaml, ...others } = specFiles();
    const converted = writeFixture({ ...others, "specs/reconciliation.sync": dsl.stdout });
    expect((await runCli(["validate"], converted)).code).toBe(0);
    const yaml = await runCli(["fmt", "--to", "yaml", "specs/reconciliation.sync"], converted);
    expect(yaml.stdout).toContain("      read:\n        operation: listJournals\n        pagination:\n          style: cursor\n          param: cursor\n          next: next_offset\n        mapping: erp-journal-read\n");
  });

  it.each([
    ["an operation the system lacks", "operation: listTime", "operation: listTimes", /unknown operation 'listTimes'.*did you mean 'listTime'/],
    ["an operation that is not a GET", "operation: listJournals", "operation: postCostJournal", /erp\.postCostJournal is a POST: a reconciliation reads records with a GET/],
    ["a cursor without its next field", "pagination: { style: cursor, param: cursor, next: next_offset }", "pagination: { style: cursor, param: cursor }", /a cursor pagination needs 'next'/],
    ["a mapping to another entity", "mapping: erp-journal-read", "mapping: project-to-erp", /mapping project-to-erp produces a system's shape, not the TimeEntry this source reads/],
    ["a read of both an operation and the state", "operation: listJournals", "operation: listJournals\n        state: true", /a read names either a list 'operation' of the system or 'state: true'/],
  ])("reports %s at its location", async (_name, from, to, message) => {
    const root = writeFixture(specFiles(RECONCILIATION.replace(from, to)));
    const result = await runCli(["validate", "--format", "json"], root);
    const { diagnostics } = JSON.parse(result.stdout) as { diagnostics: { file: string; line: number; message: string }[] };
    expect(result.code).toBe(1);
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]?.file).toBe("specs/reconciliation.yaml");
    expect(diagnostics[0]?.message).toMatch(message);
  });
});
