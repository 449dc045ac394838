import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { runCli } from "../../src/testing/spec-fixtures.ts";
import { scratchProject } from "../emit/helpers.ts";

const ENV = { ERP_BASE_URL: "http://127.0.0.1:9", PSA_BASE_URL: "http://127.0.0.1:9", SECRET_ERP_TOKEN: "t", SECRET_PSA_KEY: "k", SECRET_PSA_HOOK: "h" };
const EVENT = `${JSON.stringify({ timeEntryId: "t1", minutes: 90, status: "APPROVED" })}\n`;
const DRAIN = ["run", "--store", "sqlite:run.db", "--ingest", "time.ndjson", "--source", "psa.timeApproved", "--drain"];
const ROUTE_MODULE = "generated/routes/approved-time-to-erp.ts";

// Each case compiles its own copy of the fixture: a module, once imported, is not imported again.
const projects: { dispose(): void }[] = [];
async function compiledProject(): Promise<string> {
  const project = scratchProject();
  projects.push(project);
  writeFileSync(join(project.dir, "time.ndjson"), EVENT);
  const compiled = await runCli(["compile"], project.dir);
  expect(compiled.code, compiled.stderr).toBe(0);
  return project.dir;
}

/** The store's counts `spec run --drain` prints last. */
function counts(stdout: string): unknown {
  return JSON.parse(stdout.trim().split("\n").at(-1) ?? "{}");
}

afterEach(() => {
  for (const project of projects.splice(0)) project.dispose();
});

describe("spec run and the generated modules", () => {
  it("executes the generated route module: a change made in it changes what the drain does, and compile --check names it", async () => {
    const untouched = await compiledProject();
    const before = await runCli(DRAIN, untouched, ENV);
    expect(before.code, before.stderr).toBe(0);
    expect(before.stdout).toContain("ingested time.ndjson: 1 accepted");
    expect(counts(before.stdout)).not.toMatchObject({ events: { skipped: 1 } });

    const edited = await compiledProject();
    const module = join(edited, ROUTE_MODULE);
    const text = readFileSync(module, "utf8");
    expect(text).toContain("evaluate: exprTriggerWhen.evaluate");
    writeFileSync(module, text.replace("evaluate: exprTriggerWhen.evaluate", "evaluate: () => false"));
    const after = await runCli(DRAIN, edited, ENV);
    expect(after.code, after.stderr).toBe(0);
    expect(counts(after.stdout)).toEqual({ events: { skipped: 1 }, deliveries: {}, issues: {} });

    const check = await runCli(["compile", "--check"], edited);
    expect(check.code).toBe(1);
    expect(check.stdout).toBe("stale: routes/approved-time-to-erp.ts\ngenerated output is out of date: run spec compile\n");
  });

  it("refuses generated modules stale against the specs, names them and exits 1, and runs with --compile", async () => {
    const dir = await compiledProject();
    const routes = join(dir, "specs", "routes.yaml");
    writeFileSync(routes, readFileSync(routes, "utf8").replace("idempotencyKey: [timeEntryId]", "idempotencyKey: [timeEntryId, minutes]"));
    const refused = await runCli(DRAIN, dir, ENV);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe("");
    expect(refused.stderr).toBe(
      "spec run: the generated modules were not compiled from these specs; run `spec compile` (or `spec run --compile` to compile them in memory); nothing was started\n" +
        "  stale: generated/routes/approved-time-to-erp.ts\n",
    );
    const compiled = await runCli(["run", "--compile", ...DRAIN.slice(1)], dir, ENV);
    expect(compiled.code, compiled.stderr).toBe(0);
    expect(compiled.stdout).toContain("ingested time.ndjson: 1 accepted");
  });

  it("names a missing output folder and a mapping changed since the last compile", async () => {
    const dir = await compiledProject();
    const mappings = join(dir, "specs", "mappings.yaml");
    const original = readFileSync(mappings, "utf8");
    expect(original).toMatch(/minutes \/ 60/);
    writeFileSync(mappings, original.replace(/minutes \/ 60/, "minutes / 30"));
    const stale = await runCli(DRAIN, dir, ENV);
    expect(stale.code).toBe(1);
    expect(stale.stderr).toMatch(/\n {2}stale: generated\/mappings\/psa-time-to-canonical\.ts\n$/);
    rmSync(join(dir, "generated"), { recursive: true });
    const missing = await runCli(DRAIN, dir, ENV);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/\n {2}missing: generated\/\n$/);
  });
});
