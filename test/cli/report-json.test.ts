import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createSqliteStore } from "../../src/runtime/store/sqlite.ts";
import { projectRoot } from "../../src/testing/environment.ts";
import { runCli } from "../../src/testing/spec-fixtures.ts";

const emptyFolder = () => mkdtempSync(join(tmpdir(), "syncspec-report-json-"));

/** A store file with two accepted events and one open exception, as `spec run` leaves one. */
async function store(): Promise<string> {
  const path = join(emptyFolder(), "store.db");
  const s = await createSqliteStore({ path, durability: "normal" });
  const event = (id: string) => ({ route: "project-activation", key: id, payload: { projectId: id }, source: "psa.projectActivated", traceId: `trace-${id}` });
  await s.accept([event("p1"), event("p2")], Date.parse("2026-01-10T00:00:00Z"));
  await s.openGap({ reconciliation: "time-cost-postings", key: "projectId=P2@2026-03", queue: "time-posting-exceptions", owner: "finance-ops", reason: "differs", payload: {}, now: Date.now() });
  await s.close();
  return path;
}

/** Runs a command asking for JSON; its stdout must be one object whose last key is `summary`. */
async function json(args: string[], cwd = emptyFolder()): Promise<{ code: number; report: Record<string, unknown> & { summary: Record<string, unknown> } }> {
  const result = await runCli([...args, "--format", "json"], cwd);
  const report = JSON.parse(result.stdout) as Record<string, unknown> & { summary: Record<string, unknown> };
  expect(Array.isArray(report), args.join(" ")).toBe(false);
  expect(Object.keys(report).at(-1), args.join(" ")).toBe("summary");
  return { code: result.code, report };
}

describe("JSON from the operator commands is one object with a summary", () => {
  it("exceptions list, show and skip", async () => {
    const at = ["--store", `sqlite:${await store()}`];
    const list = await json(["exceptions", "list", ...at]);
    expect(list.code).toBe(0);
    expect(list.report.summary).toEqual({ entries: 1, status: "open", queue: null });
    const [entry] = list.report["entries"] as { id: number; queue: string }[];
    expect(entry?.queue).toBe("time-posting-exceptions");
    const show = await json(["exceptions", "show", String(entry?.id), ...at]);
    expect(show.report).toMatchObject({ entry: { id: entry?.id }, summary: { id: entry?.id, status: "open" } });
    const skip = await json(["exceptions", "skip", String(entry?.id), "--reason", "posted by hand", "--by", "ana", ...at]);
    expect(skip.report.summary).toEqual({ id: entry?.id, action: "skip", status: "skipped", by: "ana" });
    const empty = await json(["dlq", "list", ...at]);
    expect(empty.report).toEqual({ entries: [], summary: { entries: 0, status: "open", queue: null } });
  });

  it("audit verify and trail", async () => {
    const at = ["--store", `sqlite:${await store()}`];
    const verify = await json(["audit", "verify", ...at]);
    expect(verify.code).toBe(0);
    expect(verify.report.summary).toMatchObject({ intact: true });
    expect(verify.report.summary["rows"]).toBeGreaterThan(0);
    const trail = await json(["audit", "trail", "--trace", "trace-p2", ...at]);
    expect(trail.report).toMatchObject({ trace: "trace-p2", summary: { entries: 1 } });
  });

  it("replay (the events are still pending, so none is replayed)", async () => {
    const at = ["--store", `sqlite:${await store()}`];
    const range = ["--from", "2026-01-01T00:00:00Z", "--to", "2026-02-01T00:00:00Z", "--reason", "erp restored", "--by", "ana"];
    const replay = await json(["replay", "--route", "project-activation", ...range, ...at]);
    expect(replay.code).toBe(0);
    expect(replay.report).toEqual({
      route: "project-activation",
      from: "2026-01-01T00:00:00.000Z",
      to: "2026-02-01T00:00:00.000Z",
      by: "ana",
      dryRun: false,
      items: [],
      summary: { replayed: 0, events: 0 },
    });
  });

  it("reconcile", async () => {
    const file = join(emptyFolder(), "records.json");
    writeFileSync(
      file,
      JSON.stringify({
        "psa/TimeEntry": [{ projectId: "P1", workDate: "2026-03-02", minutes: 450, costRate: "68.50", billRate: "150.00", chargeType: "time", status: "approved" }],
        "erp/TimeEntry": [{ costPostingId: "j1", projectId: "P1", workDate: "2026-03-02", costAmount: "500.00" }],
      }),
    );
    const result = await json(["reconcile", "--records", file, "--only", "time-cost-postings", join(projectRoot, "specs")]);
    expect(result.code).toBe(1);
    expect(result.report.summary).toEqual({ reconciliations: 1, gaps: 1 });
    expect((result.report["results"] as { reconciliation: string }[]).map((r) => r.reconciliation)).toEqual(["time-cost-postings"]);
  }, 60_000);
});
