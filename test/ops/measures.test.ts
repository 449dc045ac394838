/**
 * Business measures declared on routes (`measures:`): checked with located errors, written in the
 * DSL and YAML alike, compared by `spec breaking`, and computed from what the store recorded.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { collectSnapshot } from "../../src/ops/snapshot.ts";
import { createRuntime } from "../../src/runtime/engine.ts";
import { createSqliteStore } from "../../src/runtime/store/sqlite.ts";
import { projectRoot } from "../../src/testing/environment.ts";
import { createFakeTarget, fakeTransport } from "../../src/testing/fake-target.ts";
import { runCli, writeSpecSet } from "../../src/testing/spec-fixtures.ts";
import { compiledFixture, FIXTURE_FILES } from "../runtime/fixture.ts";

const ROUTE = "specs/routes/opportunity-to-project.yaml";
const MEASURE = `  measures:
    project-activation:
      description: Project activation in the PSA to its billing profile on the billing platform, the last of its set-up postings
      latency: { to: billing-profile }
      objective: 1h
`;

/** The line of the example route holding `text`, so the expected locations follow the spec as it changes. */
function lineOf(text: string): number {
  return readFileSync(join(projectRoot, ROUTE), "utf8").split("\n").findIndex((l) => l.includes(text)) + 1;
}

/** The example spec set as files, with `edit` applied to the file at `path`. */
function exampleSpecs(path: string, edit: (text: string) => string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else files[relative(projectRoot, full)] = readFileSync(full, "utf8");
    }
  };
  walk(join(projectRoot, "specs"));
  files["syncspec.yaml"] = readFileSync(join(projectRoot, "syncspec.yaml"), "utf8");
  files[path] = edit(files[path] as string);
  return files;
}

interface Found {
  code: string;
  file: string;
  line: number;
  column: number;
  message: string;
}

async function diagnosticsWith(measure: string): Promise<Found[]> {
  const dir = writeSpecSet(exampleSpecs(ROUTE, (text) => text.replace(MEASURE, measure)));
  const result = await runCli(["validate", "specs", "--format", "json"], dir);
  return (JSON.parse(result.stdout) as { diagnostics: Found[] }).diagnostics;
}

describe("a route's business measures", () => {
  it("are declared on the example routes, in YAML and in the DSL", () => {
    expect(readFileSync(join(projectRoot, ROUTE), "utf8")).toContain(MEASURE);
    const dsl = readFileSync(join(projectRoot, "specs/routes/time-to-revenue.sync"), "utf8");
    expect(dsl).toContain("    time-to-bill {\n      description");
    expect(dsl).toContain("      latency { to queue-charge }\n");
  });

  it("converts between the DSL and YAML, and spec fmt leaves them as written", async () => {
    const dir = writeSpecSet(exampleSpecs(ROUTE, (t) => t));
    const yaml = await runCli(["fmt", "--to", "yaml", "specs/routes/time-to-revenue.sync"], dir);
    expect(yaml.code).toBe(0);
    expect(yaml.stdout).toContain("  measures:\n    time-to-bill:\n      description: Approval of billable time to its charge on the billing platform\n      latency:\n        to: queue-charge\n      objective: 4h\n");
    expect(yaml.stdout).toContain("    blocked-by-missing-contract:\n");
    const check = await runCli(["fmt", "--check", "specs"], dir);
    expect([check.code, check.stderr]).toEqual([0, ""]);
  });

  it("reports a step the route does not have, at its location, with a suggestion", async () => {
    const found = await diagnosticsWith(MEASURE.replace("to: billing-profile", "to: billing-profil"));
    expect(found).toEqual([
      expect.objectContaining({ code: "unknown-reference", file: ROUTE, line: lineOf("latency: { to: billing-profile }"), column: 22, message: expect.stringMatching(/unknown step 'billing-profil'.*did you mean 'billing-profile'/) }),
    ]);
  });

  it("reports a measure of a step that delivers nothing", async () => {
    const found = await diagnosticsWith(MEASURE.replace("to: billing-profile", "to: contract"));
    expect(found).toEqual([
      expect.objectContaining({ code: "measure-step", file: ROUTE, line: lineOf("latency: { to: billing-profile }"), column: 22, message: "measure project-activation reads the delivery of step contract, but contract is a step that does 'enrich' and delivers nothing" }),
    ]);
  });

  it("reports a measure of no kind or of two, and an objective of the wrong sort", async () => {
    const none = await diagnosticsWith(MEASURE.replace("      latency: { to: billing-profile }\n", ""));
    expect(none).toEqual([expect.objectContaining({ code: "measure-kind", line: lineOf("project-activation:"), column: 5, message: "measure project-activation must declare exactly one of 'latency', 'pending' or 'exceptions', not 0" })]);
    const two = await diagnosticsWith(MEASURE.replace("      objective: 1h\n", "      exceptions: {}\n"));
    expect(two.map((d) => [d.code, d.message])).toEqual([["measure-kind", "measure project-activation must declare exactly one of 'latency', 'pending' or 'exceptions', not 2"]]);
    const count = await diagnosticsWith(MEASURE.replace("objective: 1h", "objective: 3"));
    expect(count).toEqual([
      expect.objectContaining({ code: "measure-objective", line: lineOf("objective: 1h"), column: 18, message: "the objective '3' of measure project-activation must be a duration such as 2d, for a latency" }),
    ]);
  });

  it("are compared by spec breaking: a removed or changed measure breaks its readers, a new one no one", async () => {
    const released = writeSpecSet(exampleSpecs(ROUTE, (t) => t));
    const changed = writeSpecSet(
      exampleSpecs(ROUTE, (t) =>
        t.replace(MEASURE, `${MEASURE}    setup-exceptions:\n      description: Project set-ups waiting on a person\n      exceptions: {}\n`).replace("latency: { to: billing-profile }", "latency: { to: billing-customer }"),
      ),
    );
    const result = await runCli(["breaking", "--against", released, "specs", "--format", "json"], changed);
    const report = JSON.parse(result.stdout) as { changes: { class: string; breaks: string[]; message: string }[] };
    expect(report.changes.map((c) => [c.class, c.breaks, c.message])).toEqual([
      ["measure-changed", ["event-consumers"], "the business measure project-activation now reads the time to step billing-customer instead of the time to step billing-profile"],
      ["measure-added", [], "the business measure setup-exceptions was added"],
    ]);
    expect(result.code).toBe(1);
    const removed = writeSpecSet(exampleSpecs(ROUTE, (t) => t.replace(MEASURE, "")));
    const gone = await runCli(["breaking", "--against", released, "specs", "--format", "json"], removed);
    expect((JSON.parse(gone.stdout) as { changes: { class: string; message: string }[] }).changes).toEqual([
      expect.objectContaining({ class: "measure-removed", message: "the business measure project-activation was removed" }),
    ]);
  });

  it("are computed from what the runtime did: latency to a delivery, events pending one, matching exceptions", async () => {
    const routes = (FIXTURE_FILES["specs/routes.yaml"] as string).replace(
      "    exceptions: { queue: time-exceptions, owner: finance-ops }\n",
      `    exceptions: { queue: time-exceptions, owner: finance-ops }
  measures:
    time-to-cost: { description: Approval to the cost journal, latency: { to: cost }, objective: 1h }
    uncosted: { description: Approved time not costed yet, pending: { step: cost }, objective: 0 }
    invalid-time: { description: Time entries refused as invalid, exceptions: { reason: INVALID } }
`,
    );
    const { compiled } = compiledFixture({ "specs/routes.yaml": routes });
    let now = Date.UTC(2026, 0, 5, 9);
    const clock = { now: () => now };
    const erp = createFakeTarget({ name: "erp", auth: { header: "authorization", value: "Bearer erp-token" }, now: clock.now });
    const billing = createFakeTarget({ name: "billing", auth: { header: "X-Api-Key", value: "billing-key" }, externalIdField: "reference", now: clock.now });
    const store = await createSqliteStore({ path: ":memory:" });
    const runtime = createRuntime({ compiled, store, transport: fakeTransport([erp, billing]), env: {}, clock, random: () => 0, sleep: async () => undefined });
    try {
      await runtime.offer({ system: "psa", event: "projectActivated" }, [{ projectId: "P1", name: "One" }]);
      await runtime.drain();
      // Two entries costed after 5 minutes, one waiting for a project the ERP does not have, one invalid.
      await runtime.offer({ system: "psa", event: "timeApproved" }, [
        { timeEntryId: "t1", projectId: "P1", minutes: 60 },
        { timeEntryId: "t2", projectId: "P1", minutes: 30 },
        { timeEntryId: "t3", projectId: "P9", minutes: 15 },
        { timeEntryId: "t4", projectId: "P1", minutes: "lots" },
      ]);
      now += 300_000;
      await runtime.drain();
      const snapshot = await collectSnapshot({ store, compiled, now: clock.now });
      expect(snapshot.business.measures.map((m) => [m.name, m.kind, m.p50Ms, m.count, m.objective, m.breached])).toEqual([
        ["time-to-cost", "latency", 300_000, 2, "p90 within 1h", false],
        ["uncosted", "pending", null, 2, "at most 0", true],
        ["invalid-time", "exceptions", null, 1, null, false],
      ]);
    } finally {
      await store.close();
    }
  });
});
