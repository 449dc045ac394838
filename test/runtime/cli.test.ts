import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { describe, expect, it } from "vitest";
import type { CliIo } from "../../src/cli/io.ts";
import { main } from "../../src/cli/main.ts";
import { createSqliteStore } from "../../src/runtime/store/sqlite.ts";
import { writeFixture } from "./fixture.ts";
import { harness, project } from "./harness.ts";

function io(cwd: string): CliIo & { out: string; err: string } {
  const captured = {
    cwd,
    out: "",
    err: "",
    env: { USER: "ana" },
    isTTY: false,
    stdout(text: string) {
      captured.out += text;
    },
    stderr(text: string) {
      captured.err += text;
    },
  };
  return captured;
}

/** A store file holding one dead letter and one exception. */
async function storeWithIssues(): Promise<string> {
  const path = join(mkdtempSync(join(tmpdir(), "syncspec-cli-")), "store.db");
  const store = await createSqliteStore({ path, durability: "normal" });
  const h = await harness({ erp: { fault: ({ body }) => ((body as { code?: string }).code === "p2" ? { status: 422, body: { error: "code taken" } } : { status: 500 }) } }, store);
  await h.runtime.offer({ system: "psa", event: "projectActivated" }, [project("p1"), project("p2")]);
  for (let i = 0; i < 8; i++) {
    await h.runtime.drain();
    h.clock.advance(10_000);
  }
  await h.close();
  return path;
}

describe("the operator commands", () => {
  it("lists, shows and retries dead letters, recording who and why", async () => {
    const path = await storeWithIssues();
    const cli = io(tmpdir());
    expect(await main(["dlq", "list", "--store", `sqlite:${path}`], cli)).toBe(0);
    expect(cli.out).toMatch(/^ID +QUEUE +ROUTE +OWNER +AGE +ATTEMPTS +TRACE +REASON\n2 +projects-dlq +project-activation +delivery-ops +\S+ +5 +trace-\d+ +erp.createProject failed 5 times; last: erp answered 500/);
    const shown = io(tmpdir());
    expect(await main(["dlq", "show", "2", "--store", `sqlite:${path}`], shown)).toBe(0);
    expect(shown.out).toContain('  target request (erp.createProject, delivery 1):\n    {\n      "code": "p1",');
    expect(shown.out).toMatch(/\n {2}trace: {4}trace-\d+\n/);
    const retried = io(tmpdir());
    expect(await main(["dlq", "retry", "2", "--reason", "erp is back", "--store", `sqlite:${path}`], retried)).toBe(0);
    expect(retried.out).toBe("dead-letter 2: retried by ana\n");
    const again = io(tmpdir());
    expect(await main(["dlq", "retry", "2", "--reason", "again", "--store", `sqlite:${path}`], again)).toBe(1);
    expect(again.err).toBe("spec dlq: issue 2 is already retried\n");
  });

  it("edits and replays an exception, and refuses an action without a reason", async () => {
    const path = await storeWithIssues();
    const noReason = io(tmpdir());
    expect(await main(["exceptions", "skip", "2", "--store", `sqlite:${path}`], noReason)).toBe(2);
    expect(noReason.err).toContain("spec exceptions: skip needs --reason: the audit log records why");
    const listed = io(tmpdir());
    await main(["exceptions", "list", "--format", "json", "--store", `sqlite:${path}`], listed);
    const [exception] = (JSON.parse(listed.out) as { entries: { id: number; reason: string }[] }).entries;
    expect(exception?.reason).toBe('erp.createProject refused the request: 422 {"error":"code taken"}');
    // Run in the project, whose spec set the correction is checked against.
    const edited = io(writeFixture());
    const args = ["exceptions", "edit", String(exception?.id), "--payload", '{"projectId":"p2","name":"Renamed"}', "--reason", "duplicate code", "--store", `sqlite:${path}`];
    expect(await main(args, edited)).toBe(0);
    expect(edited.out).toMatch(new RegExp(`^exception ${exception?.id}: replayed by ana: edited the source payload of event \\d+; route project-activation runs it again\n$`));
  });

  it("skips a reconciliation gap's exception with a reason, and refuses to retry or edit it, saying why", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "syncspec-cli-")), "store.db");
    const store = await createSqliteStore({ path, durability: "normal" });
    const reason = "time-cost-postings: projectId=P2@2026-03 differs by 50.00 (approved-time 50.00 vs cost-postings 0.00)";
    const { issue } = await store.openGap({ reconciliation: "time-cost-postings", key: "projectId=P2@2026-03", queue: "time-posting-exceptions", owner: "finance-ops", reason, payload: { difference: "50.00" }, now: Date.now() });
    await store.close();
    const at = ["--store", `sqlite:${path}`];
    const listed = io(tmpdir());
    expect(await main(["exceptions", "list", ...at], listed)).toBe(0);
    expect(listed.out).toMatch(/^ID +QUEUE +ROUTE +OWNER +AGE +ATTEMPTS +TRACE +REASON\n1 +time-posting-exceptions +reconciliation:time-cost-postings +finance-ops +\d+s +0 +- +time-cost-postings: projectId=P2@2026-03 differs by 50\.00/);
    const shown = io(tmpdir());
    expect(await main(["exceptions", "show", String(issue.id), ...at], shown)).toBe(0);
    expect(shown.out).toContain("  gap:      time-cost-postings projectId=P2@2026-03\n");
    const refusal = `spec exceptions: issue ${issue.id} is a reconciliation gap (time-cost-postings projectId=P2@2026-03), not an event: there is nothing to`;
    const advice = "Correct the records in the systems and it closes by itself at the next reconciliation, or skip it with a reason\n";
    const retried = io(tmpdir());
    expect(await main(["exceptions", "retry", String(issue.id), "--reason", "erp is back", ...at], retried)).toBe(1);
    expect(retried.err).toBe(`${refusal} retry. ${advice}`);
    const edited = io(tmpdir());
    expect(await main(["exceptions", "edit", String(issue.id), "--reason", "fix it", ...at], edited)).toBe(1);
    expect(edited.err).toBe(`${refusal} edit and replay. ${advice}`);
    const skipped = io(tmpdir());
    expect(await main(["exceptions", "skip", String(issue.id), "--reason", "posted by hand next week", ...at], skipped)).toBe(0);
    expect(skipped.out).toBe(`exception ${issue.id}: skipped by ana\n`);
    const json = io(tmpdir());
    expect(await main(["exceptions", "list", "--status", "skipped", "--format", "json", ...at], json)).toBe(0);
    expect(JSON.parse(json.out)).toEqual({
      entries: [expect.objectContaining({ id: issue.id, eventId: null, status: "skipped", resolvedBy: "ana", resolution: "posted by hand next week", gap: expect.objectContaining({ reconciliation: "time-cost-postings" }) })],
      summary: { entries: 1, status: "skipped", queue: null },
    });
    const badStatus = io(tmpdir());
    expect(await main(["exceptions", "list", "--status", "gone", ...at], badStatus)).toBe(2);
    expect(badStatus.err).toContain("--status must be open, retried, replayed, skipped or closed, got 'gone'");
  });

  it("verifies the audit log and reports the row that was edited", async () => {
    const path = await storeWithIssues();
    const ok = io(tmpdir());
    expect(await main(["audit", "verify", "--store", `sqlite:${path}`], ok)).toBe(0);
    expect(ok.out).toMatch(/^audit log intact: \d+ rows\n$/);
    const db = new BetterSqlite3(path);
    db.prepare("UPDATE audit SET detail = '{}' WHERE seq = 4").run();
    db.close();
    const broken = io(tmpdir());
    expect(await main(["audit", "verify", "--store", `sqlite:${path}`], broken)).toBe(1);
    expect(broken.out).toBe("audit log broken at row 4: row 4 was changed after it was written (3 rows verified before it)\n");
  });

  it("replays a time range and checks its arguments", async () => {
    const path = await storeWithIssues();
    const bad = io(tmpdir());
    expect(await main(["replay", "--route", "project-activation", "--from", "yesterday", "--to", "2026-02-01", "--reason", "x", "--store", `sqlite:${path}`], bad)).toBe(2);
    expect(bad.err).toContain("--from must be an ISO 8601 time or epoch milliseconds, got 'yesterday'");
    const good = io(tmpdir());
    const args = ["replay", "--route", "project-activation", "--from", "2026-01-01T00:00:00Z", "--to", "2026-02-01T00:00:00Z", "--reason", "erp restored", "--store", `sqlite:${path}`];
    expect(await main(args, good)).toBe(0);
    expect(good.out).toBe(
      "replaying 2 of 2 events of project-activation received from 2026-01-01T00:00:00.000Z to 2026-02-01T00:00:00.000Z\n" +
        "  event 1 (p1): send again erp.createProject (delivery 1): 1 of its deliveries stopped\n" +
        "  event 2 (p2): send again erp.createProject (delivery 2): 1 of its deliveries stopped\n",
    );
  });

  it("names the field of a bad run configuration", async () => {
    const root = writeFixture({ "syncspec.run.yaml": "store: mysql://x\nlisten: { port: 99999 }\n" });
    const cli = io(root);
    expect(await main(["run", "--drain"], cli)).toBe(2);
    expect(cli.err).toBe("spec run: store must be 'sqlite:<path>' or a postgres:// URL; listen.port must be an integer from 0 to 65535\n");
    const slow = writeFixture({ "syncspec.run.yaml": "worker: { intakeWaitMs: -5 }\n" });
    const again = io(slow);
    expect(await main(["run", "--drain"], again)).toBe(2);
    expect(again.err).toBe("spec run: worker.intakeWaitMs must be an integer from 0 to 60000\n");
  });

  it("names the field of a bad dashboard configuration, and refuses a dashboard user that is not a name", async () => {
    const root = writeFixture({ "syncspec.run.yaml": "dashboard: { host: '', user: 'a b', origins: [ops.example.com], port: 1 }\n" });
    const cli = io(root);
    expect(await main(["run", "--drain"], cli)).toBe(2);
    expect(cli.err).toBe(
      "spec run: dashboard.port is not a dashboard field (host, user, origins); dashboard.host must be a host name or address; dashboard.user must be a name of letters, digits, '.', '@', '_' or '-'; dashboard.origins must be a list of origins such as https://ops.example.com\n",
    );
    const flag = io(writeFixture());
    expect(await main(["run", "--drain", "--dashboard", "0", "--dashboard-user", "<script>"], flag)).toBe(2);
    expect(flag.err).toContain("--dashboard-user must be a name of letters, digits, '.', '@', '_' or '-', got '<script>'");
  });

  it("ingests an NDJSON file and drains it with spec run", async () => {
    const root = writeFixture();
    writeFileSync(join(root, "projects.ndjson"), `${JSON.stringify(project("p1"))}\n${JSON.stringify(project("p1"))}\n`);
    const cli = io(root);
    cli.env = { ERP_BASE_URL: "http://127.0.0.1:9" };
    const code = await main(["run", "--compile", "--store", "sqlite:run.db", "--ingest", "projects.ndjson", "--source", "psa.projectActivated", "--drain"], cli);
    expect(code).toBe(0);
    // Nothing answers at the ERP's address: each failed attempt (a second one when the first's short
    // backoff ends while draining) is logged, as a JSON line, with its retry delay.
    const logged = cli.err.split("\n").filter((line) => line !== "").map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(logged.length).toBeGreaterThan(0);
    for (const entry of logged) {
      expect(entry).toMatchObject({ level: "warn", event: "delivery.retry", target: "erp.createProject", reason: expect.stringMatching(/fetch failed/), delayMs: expect.any(Number) });
    }
    expect(cli.out.split("\n")[0]).toBe("ingested projects.ndjson: 1 accepted, 1 duplicates, 0 conflicts");
    expect(JSON.parse(cli.out.split("\n")[1] ?? "{}")).toMatchObject({ events: { routed: 1 }, deliveries: { pending: 1 } });
  });

  it("warns when the lease is not longer than the slowest delivery may take", async () => {
    const root = writeFixture({ "syncspec.run.yaml": "store: sqlite:run.db\nworker: { leaseMs: 5000 }\n" });
    writeFileSync(join(root, "projects.ndjson"), `${JSON.stringify(project("p1"))}\n`);
    const cli = io(root);
    cli.env = { ERP_BASE_URL: "http://127.0.0.1:9" };
    expect(await main(["run", "--compile", "--ingest", "projects.ndjson", "--source", "psa.projectActivated", "--drain"], cli)).toBe(0);
    expect(cli.err).toMatch(/^spec run: warning: worker\.leaseMs \(5000 ms\) is not longer than the longest a delivery may take \(32000 ms, [a-z]+\.[A-Za-z]+ in route [a-z-]+\)/);
  });
});
