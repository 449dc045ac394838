import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createSqliteStore } from "../../src/runtime/store/sqlite.ts";
import { runCli } from "../../src/testing/spec-fixtures.ts";

const emptyFolder = () => mkdtempSync(join(tmpdir(), "syncspec-audit-"));

/** A store with two time entries and a project under the same key, one of them in an exception queue. */
async function store(): Promise<string> {
  const path = join(emptyFolder(), "store.db");
  const s = await createSqliteStore({ path, durability: "normal" });
  const event = (route: string, key: string, trace: string) => ({ route, key, payload: { id: key }, source: "psa.timeApproved", traceId: trace, exceptions: { queue: "time-exceptions", owner: "finance-ops" } });
  await s.accept([event("time-to-revenue", "te-1", "trace-te-1"), event("time-to-revenue", "te-2", "trace-te-2"), event("project-activation", "te-1", "trace-pa-1")], Date.parse("2026-01-10T00:00:00Z"));
  // The same key with another payload is a conflict: an exception that holds the event.
  await s.accept([{ ...event("time-to-revenue", "te-2", "trace-te-2b"), payload: { id: "te-2", hours: 9 } }], Date.parse("2026-01-10T00:01:00Z"));
  await s.close();
  return path;
}

const at = (path: string) => ["--store", `sqlite:${path}`];

describe("spec audit trail", () => {
  it("follows an event by its id to the same trail as its trace id", async () => {
    const path = await store();
    const byTrace = await runCli(["audit", "trail", "--trace", "trace-te-1", "--format", "json", ...at(path)], emptyFolder());
    const byEvent = await runCli(["audit", "trail", "--event", "1", "--format", "json", ...at(path)], emptyFolder());
    expect(byEvent.code).toBe(0);
    const trace = JSON.parse(byTrace.stdout) as { trace: string; traces: { traceId: string }[]; entries: { subject: string }[]; summary: { traces: number; entries: number } };
    const event = JSON.parse(byEvent.stdout) as typeof trace;
    expect(event.entries).toEqual(trace.entries);
    expect(event.trace).toBe("trace-te-1");
    expect(trace.trace).toBe("trace-te-1");
    expect(trace.entries.map((e) => e.subject)).toEqual(["event:1"]);
    expect(trace.summary).toEqual({ traces: 1, entries: 1 });
  });

  it("follows an idempotency key in every route that holds it, or in the route given", async () => {
    const path = await store();
    const all = await runCli(["audit", "trail", "--key", "te-1", ...at(path)], emptyFolder());
    expect(all.code).toBe(0);
    expect(all.stdout).toMatch(/^trace trace-pa-1 \(event 3 of project-activation\)\n\S+ {2}\S+ {2}event\.accepted {2}event:3 .*\ntrace trace-te-1 \(event 1 of time-to-revenue\)\n\S+ {2}\S+ {2}event\.accepted {2}event:1 /);
    const one = await runCli(["audit", "trail", "--key", "te-1", "--route", "time-to-revenue", "--format", "json", ...at(path)], emptyFolder());
    expect(JSON.parse(one.stdout)).toMatchObject({ trace: "trace-te-1", traces: [{ traceId: "trace-te-1", eventId: 1, route: "time-to-revenue" }], summary: { traces: 1, entries: 1 } });
    const both = JSON.parse((await runCli(["audit", "trail", "--key", "te-1", "--format", "json", ...at(path)], emptyFolder())).stdout) as { trace: null; traces: unknown[]; entries: { traceId: string }[] };
    expect(both.trace).toBeNull();
    expect(both.traces).toHaveLength(2);
    expect(both.entries.map((e) => e.traceId)).toEqual(["trace-te-1", "trace-pa-1"]);
  });

  it("refuses an event id, a key or a trace the store does not hold, with exit 1 and a sentence", async () => {
    const path = await store();
    expect(await runCli(["audit", "trail", "--event", "99", ...at(path)], emptyFolder())).toEqual({ code: 1, stdout: "", stderr: "spec audit: the store holds no event 99\n" });
    expect(await runCli(["audit", "trail", "--key", "te-9", ...at(path)], emptyFolder())).toEqual({ code: 1, stdout: "", stderr: "spec audit: the store holds no event with idempotency key 'te-9'\n" });
    expect(await runCli(["audit", "trail", "--key", "te-2", "--route", "project-activation", ...at(path)], emptyFolder())).toEqual({
      code: 1,
      stdout: "",
      stderr: "spec audit: the store holds no event of route 'project-activation' with idempotency key 'te-2'\n",
    });
    const trace = await runCli(["audit", "trail", "--trace", "trace-te-3", ...at(path)], emptyFolder());
    expect(trace.code).toBe(1);
    expect(trace.stderr).toMatch(/^spec audit: the audit log holds no trace 'trace-te-3'; did you mean 'trace-te-[12]'\?\n$/);
  });

  it("refuses a trail asked for by nothing, by several things, or by an id that is not one, with exit 2", async () => {
    const path = await store();
    const cases: [string[], string][] = [
      [[], "trail needs --trace <id>, --event <id> or --key <idempotency key>"],
      [["--trace", "t", "--event", "1"], "give one of --trace, --event, not several"],
      [["--event", "first"], "--event must be an event id (a positive integer), not 'first'"],
      [["--trace", "t", "--route", "time-to-revenue"], "--route narrows --key; a trace or an event id names one event already"],
    ];
    for (const [args, message] of cases) {
      const result = await runCli(["audit", "trail", ...args, ...at(path)], emptyFolder());
      expect(result.code, args.join(" ")).toBe(2);
      expect(result.stderr, args.join(" ")).toContain(`spec audit: ${message}\n`);
    }
  });
});

describe("the trace id in the queues", () => {
  it("is printed by spec exceptions list and show: the trace of the event the entry holds", async () => {
    const path = await store();
    const listed = await runCli(["exceptions", "list", ...at(path)], emptyFolder());
    expect(listed.stdout).toMatch(/^ID +QUEUE +ROUTE +OWNER +AGE +ATTEMPTS +TRACE +REASON\n1 +time-exceptions +time-to-revenue +finance-ops +\S+ +0 +trace-te-2 /);
    const shown = await runCli(["exceptions", "show", "1", ...at(path)], emptyFolder());
    expect(shown.stdout).toContain("\n  trace:    trace-te-2\n");
    const json = await runCli(["exceptions", "list", "--format", "json", ...at(path)], emptyFolder());
    expect((JSON.parse(json.stdout) as { entries: { traceId: string }[] }).entries.map((i) => i.traceId)).toEqual(["trace-te-2"]);
    const trail = await runCli(["audit", "trail", "--trace", "trace-te-2", ...at(path)], emptyFolder());
    expect(trail.stdout).toContain("event.accepted  event:2");
  });
});

function gitRepository(user: { name?: string; email?: string }): string {
  const dir = emptyFolder();
  execFileSync("git", ["init", "-q"], { cwd: dir });
  if (user.name !== undefined) execFileSync("git", ["config", "user.name", user.name], { cwd: dir });
  if (user.email !== undefined) execFileSync("git", ["config", "user.email", user.email], { cwd: dir });
  return dir;
}

/** The actor of the newest audit row. */
async function lastActor(path: string): Promise<string | undefined> {
  const s = await createSqliteStore({ path, thread: false });
  try {
    return (await s.auditTrail({ limit: 1, newest: true }))[0]?.actor;
  } finally {
    await s.close();
  }
}

describe("the actor of an action on the command line", () => {
  // No HOME in these environments: only the repository's own git configuration is read.
  const env = { GIT_CONFIG_NOSYSTEM: "1" };

  it("is the git user of the working directory when --by is not given", async () => {
    const path = await store();
    const repo = gitRepository({ name: "Ada Lovelace", email: "ada@example.com" });
    const result = await runCli(["exceptions", "skip", "1", "--reason", "duplicate", ...at(path)], repo, { ...env, USER: "ops" });
    expect(result.stdout).toBe("exception 1: skipped by Ada Lovelace <ada@example.com>\n");
    expect(await lastActor(path)).toBe("Ada Lovelace <ada@example.com>");
  });

  it("is $USER outside a repository, and --by wins over both", async () => {
    const path = await store();
    const replay = await runCli(["replay", "--route", "time-to-revenue", "--from", "2026-01-01T00:00:00Z", "--to", "2026-02-01T00:00:00Z", "--reason", "erp restored", ...at(path)], emptyFolder(), { ...env, USER: "ops-oncall" });
    expect(replay.code).toBe(0);
    expect(await lastActor(path)).toBe("ops-oncall");
    const repo = gitRepository({ email: "ada@example.com" });
    const by = await runCli(["dlq", "list", ...at(path)], repo, env);
    expect(by.code).toBe(0);
    const skipped = await runCli(["exceptions", "skip", "1", "--by", "Grace", "--reason", "posted by hand", ...at(path)], repo, env);
    expect(skipped.stdout).toBe("exception 1: skipped by Grace\n");
  });

  it("is never 'unknown', even with no git user and no $USER", async () => {
    const path = await store();
    const result = await runCli(["exceptions", "skip", "1", "--reason", "duplicate", ...at(path)], emptyFolder(), env);
    expect(result.code).toBe(0);
    const actor = await lastActor(path);
    expect(actor).not.toBe("unknown");
    expect(actor).toMatch(/\S/);
  });
});
