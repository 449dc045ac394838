import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { postgresAvailability } from "../../src/runtime/store/postgres.ts";
import { createSqliteStore } from "../../src/runtime/store/sqlite.ts";
import { projectRoot } from "../../src/testing/environment.ts";
import { runCli } from "../../src/testing/spec-fixtures.ts";
import { writeFixture } from "../runtime/fixture.ts";
import { PG_URL, uniqueSchema } from "../runtime/postgres-env.ts";

const emptyFolder = () => mkdtempSync(join(tmpdir(), "syncspec-operator-"));

/** A store file holding two events of project-activation and one exception, made as `spec run` would. */
async function storeWithEvents(): Promise<string> {
  const path = join(emptyFolder(), "store.db");
  const store = await createSqliteStore({ path, durability: "normal" });
  const event = (id: string) => ({ route: "project-activation", key: id, payload: { projectId: id }, source: "psa.projectActivated", traceId: `trace-${id}` });
  await store.accept([event("p1"), event("p2")], Date.parse("2026-01-10T00:00:00Z"));
  await store.openGap({ reconciliation: "time-cost-postings", key: "projectId=P2@2026-03", queue: "time-posting-exceptions", owner: "finance-ops", reason: "differs", payload: {}, now: Date.now() });
  await store.close();
  return path;
}

const RANGE = ["--from", "2026-01-01T00:00:00Z", "--to", "2026-02-01T00:00:00Z", "--reason", "erp restored"];

describe("operator commands open an existing store only", () => {
  it("refuses a mistyped SQLite store path, naming it, and creates no file", async () => {
    const dir = emptyFolder();
    const result = await runCli(["audit", "verify", "--store", "sqlite:typo.db"], dir);
    expect(result).toEqual({ code: 2, stdout: "", stderr: `spec audit: no store at ${join(dir, "typo.db")}; \`spec run\` creates it\n` });
    expect(readdirSync(dir)).toEqual([]);
  });

  it("refuses, in a project without a store, every command but spec run, and leaves the folder as it was", async () => {
    const dir = writeFixture();
    writeFileSync(join(dir, "records.json"), "{}");
    const before = readdirSync(dir).sort();
    const store = join(dir, "syncspec.db");
    const commands = [
      ["exceptions", "list"],
      ["exceptions", "show", "1"],
      ["dlq", "list"],
      ["dlq", "retry", "1", "--reason", "erp is back"],
      ["audit", "verify"],
      ["audit", "trail", "--trace", "trace-p1"],
      ["replay", "--route", "project-activation", ...RANGE],
      ["reconcile", "--records", "records.json", "--config", "syncspec.run.yaml"],
      ["status"],
    ];
    writeFileSync(join(dir, "syncspec.run.yaml"), "store: sqlite:syncspec.db\n");
    before.push("syncspec.run.yaml");
    before.sort();
    for (const args of commands) {
      const result = await runCli(args, dir);
      expect(result.stderr, args.join(" ")).toBe(`spec ${args[0]}: no store at ${store}; \`spec run\` creates it\n`);
      expect(result.code, args.join(" ")).toBe(2);
      expect(readdirSync(dir).sort(), args.join(" ")).toEqual(before);
    }
  }, 60_000);

  it("refuses a file that holds no store, and leaves it untouched", async () => {
    const dir = emptyFolder();
    writeFileSync(join(dir, "notes.db"), "");
    const result = await runCli(["exceptions", "list", "--store", "sqlite:notes.db"], dir);
    expect(result).toEqual({ code: 2, stdout: "", stderr: `spec exceptions: ${join(dir, "notes.db")} holds no syncspec store\n` });
    expect(statSync(join(dir, "notes.db")).size).toBe(0);
    expect(readdirSync(dir)).toEqual(["notes.db"]);
  });

  it("creates no syncspec.db when spec exceptions list runs in an empty folder through bin/spec.mjs", () => {
    const dir = emptyFolder();
    const result = spawnSync(process.execPath, [join(projectRoot, "bin", "spec.mjs"), "exceptions", "list"], { cwd: dir, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
    expect(result.stderr).toBe(`spec exceptions: no store at ${join(dir, "syncspec.db")}; \`spec run\` creates it\n`);
    expect(result.status).toBe(2);
    expect(readdirSync(dir)).toEqual([]);
  });

  it("says when the PostgreSQL server of the store cannot be reached, with the password masked", async () => {
    const result = await runCli(["audit", "verify", "--store", "postgres://postgres:hunter2@127.0.0.1:1/test"], emptyFolder());
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^spec audit: cannot reach the store at postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:1\/test \(schema syncspec\): .*ECONNREFUSED/);
    expect(result.stderr).not.toContain("hunter2");
  });

  describe("on PostgreSQL", async () => {
    const availability = await postgresAvailability(PG_URL);
    const schema = uniqueSchema("operator");
    const schemaExists = async () => {
      const client = new pg.Client({ connectionString: PG_URL });
      await client.connect();
      try {
        return (await client.query("SELECT 1 FROM information_schema.schemata WHERE schema_name = $1", [schema])).rowCount === 1;
      } finally {
        await client.end();
      }
    };
    afterAll(async () => {
      if (!availability.available) return;
      const client = new pg.Client({ connectionString: PG_URL });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await client.end();
    });

    it.skipIf(!availability.available)("refuses a schema without the store's tables, and creates neither schema nor tables", async () => {
      const result = await runCli(["exceptions", "list", "--store", `${PG_URL}?schema=${schema}`], emptyFolder());
      expect(result).toEqual({ code: 2, stdout: "", stderr: `spec exceptions: no store at ${PG_URL} (schema ${schema}); \`spec run\` creates it\n` });
      expect(await schemaExists()).toBe(false);
    });
  });
});

describe("operator commands refuse names they do not know", () => {
  it("refuses to replay a route the store holds no events of, suggests the closest, and records no replay", async () => {
    const path = await storeWithEvents();
    const result = await runCli(["replay", "--route", "project-activaton", ...RANGE, "--store", `sqlite:${path}`], emptyFolder());
    expect(result).toEqual({
      code: 1,
      stdout: "",
      stderr: "spec replay: the store holds no events of route 'project-activaton'; did you mean 'project-activation'? (routes with events: project-activation)\n",
    });
    const trail = await runCli(["audit", "trail", "--trace", "trace-p1", "--format", "json", "--store", `sqlite:${path}`], emptyFolder());
    const report = JSON.parse(trail.stdout) as { trace: string; entries: { action: string }[]; summary: { entries: number } };
    expect(report.entries.map((e) => e.action)).toEqual(["event.accepted"]);
    expect(report).toMatchObject({ trace: "trace-p1", summary: { entries: 1 } });
    const store = await createSqliteStore({ path, thread: false });
    try {
      expect((await store.auditTrail()).some((e) => e.action === "replay.requested")).toBe(false);
    } finally {
      await store.close();
    }
    const known = await runCli(["replay", "--route", "project-activation", ...RANGE, "--store", `sqlite:${path}`], emptyFolder());
    expect(known.code).toBe(0);
    expect(known.stdout).toBe("replaying 0 of 0 events of project-activation received from 2026-01-01T00:00:00.000Z to 2026-02-01T00:00:00.000Z\n");
  });

  it("refuses the audit trail of a trace the log does not hold, suggesting the closest trace id", async () => {
    const path = await storeWithEvents();
    const result = await runCli(["audit", "trail", "--trace", "trace-p3", "--store", `sqlite:${path}`], emptyFolder());
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(/^spec audit: the audit log holds no trace 'trace-p3'; did you mean 'trace-p[12]'\?\n$/);
    const far = await runCli(["audit", "trail", "--trace", "0af7651916cd43dd8448eb211c80319c", "--store", `sqlite:${path}`], emptyFolder());
    expect(far).toEqual({ code: 1, stdout: "", stderr: "spec audit: the audit log holds no trace '0af7651916cd43dd8448eb211c80319c'\n" });
  });

  it("says which command works an id that belongs to the other queue", async () => {
    const path = await storeWithEvents();
    const result = await runCli(["dlq", "retry", "1", "--reason", "erp is back", "--store", `sqlite:${path}`], emptyFolder());
    expect(result).toEqual({ code: 1, stdout: "", stderr: "spec dlq: there is no dead-letter 1: 1 is an exception (spec exceptions retry 1)\n" });
    const missing = await runCli(["exceptions", "show", "7", "--store", `sqlite:${path}`], emptyFolder());
    expect(missing).toEqual({ code: 1, stdout: "", stderr: "spec exceptions: there is no exception 7\n" });
  });

  it("refuses a records file keyed by a system/entity no reconciliation reads, suggesting the closest", async () => {
    const dir = emptyFolder();
    const file = join(dir, "records.json");
    writeFileSync(file, JSON.stringify({ "psa/TimeEntry": [], "erp/TimeEntyr": [{ costPostingId: "j1", projectId: "P1", workDate: "2026-03-02", costAmount: "500.00" }] }));
    const result = await runCli(["reconcile", "--records", file, "--only", "time-cost-postings", "specs"], projectRoot);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(
      new RegExp(`^spec reconcile: ${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} has records under 'erp/TimeEntyr' \\(did you mean 'erp/TimeEntry'\\?\\), which no reconciliation reads; the reconciliations read [a-z]+/[A-Za-z]+(, [a-z]+/[A-Za-z]+)*\\n$`),
    );
    expect(result.stderr).toContain("erp/TimeEntry, ");
  }, 60_000);
});
