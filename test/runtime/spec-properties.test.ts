/**
 * `spec test --properties`: the runtime's laws against users' routes. The example specs hold every
 * law; fixture routes with a key that is too coarse or a mapping that reads the clock break one,
 * with a shrunk counterexample; the command line reports, replays and refuses bad input.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { loadProgram } from "../../src/compiler/program.ts";
import { type PropertiesReport, checkProperties } from "../../src/testing/properties/check.ts";
import { compileInMemory } from "../../src/testing/compile-in-memory.ts";
import { compileValidator } from "../../src/runtime/validators.ts";
import { keyPool, schemaArbitrary } from "../../src/testing/arbitraries.ts";
import { projectRoot } from "../../src/testing/environment.ts";
import { runCli } from "../../src/testing/spec-fixtures.ts";
import { FIXTURE_FILES, writeFixture } from "./fixture.ts";

const bin = join(projectRoot, "bin", "spec.mjs");

/** The fixture with time-to-revenue keyed by project: two time entries of one project are one event to it. */
const coarseKey = () => writeFixture({ "specs/routes.yaml": (FIXTURE_FILES["specs/routes.yaml"] ?? "").replace("idempotencyKey: [timeEntryId]", "idempotencyKey: [projectId]") });

/** The fixture with a cost journal stamped by `stamp` (a JSONata expression giving a number). */
const stamped = (stamp: string) =>
  writeFixture({
    "specs/mappings.yaml": (FIXTURE_FILES["specs/mappings.yaml"] ?? "").replace(
      `'{ "projectId": erpProjectId, "minutes": minutes }'`,
      `'{ "projectId": erpProjectId, "minutes": minutes, "postedAt": ${stamp} }'`,
    ),
    "specs/erp.yaml": (FIXTURE_FILES["specs/erp.yaml"] ?? "").replace("minutes: { type: integer } } }", "minutes: { type: integer }, postedAt: { type: number } } }"),
  });

async function check(root: string, options: { routes?: string[]; runs?: number; seed?: number } = {}): Promise<PropertiesReport> {
  const program = loadProgram({ cwd: root });
  if (!program.ok) throw new Error(program.diagnostics.map((d) => d.message).join("\n"));
  return checkProperties(program.set, { seed: options.seed ?? 20260105, runs: options.runs ?? 8, ...(options.routes ? { routes: options.routes } : {}) }, compileInMemory(program));
}

function law(report: PropertiesReport, route: string, name: string) {
  const found = report.routes.find((r) => r.route === route)?.properties.find((p) => p.law === name);
  if (found === undefined) throw new Error(`no ${name} result for ${route}`);
  return found;
}

describe("payload arbitraries", () => {
  it("generate only values their JSON Schema accepts, references, formats and nesting included", () => {
    const schemas = {
      Amount: { type: "object", required: ["currency", "value"], properties: { currency: { type: "string", pattern: "^[A-Z]{3}$" }, value: { type: "string", format: "decimal" } } },
      Line: { type: "object", required: ["amount"], properties: { amount: { $ref: "#/schemas/Amount" }, day: { type: "string", format: "date" }, qty: { type: "integer", minimum: 1, maximum: 9 } } },
      Invoice: {
        type: "object",
        required: ["id", "lines", "status"],
        properties: {
          id: { type: "string", format: "uuid" },
          status: { type: "string", enum: ["draft", "sent"] },
          issued: { type: "string", format: "date-time" },
          contact: { type: "string", format: "email" },
          lines: { type: "array", minItems: 1, items: { $ref: "#/schemas/Line" } },
          note: { type: ["string", "null"] },
        },
      },
    } as const;
    const validate = compileValidator(schemas.Invoice, schemas);
    fc.assert(
      fc.property(schemaArbitrary(schemas.Invoice, { definitions: schemas }), (value) => {
        expect(validate(value).errors).toEqual([]);
      }),
      { seed: 3, numRuns: 200 },
    );
  });

  it("draws key fields from a small pool of readable values", () => {
    expect(keyPool({ type: "string" }, "projectId", 2)).toEqual(["projectId-1", "projectId-2"]);
    expect(keyPool({ type: "string", format: "uuid" }, "id", 2)).toEqual(["00000000-0000-4000-8000-000000000001", "00000000-0000-4000-8000-000000000002"]);
    expect(keyPool({ type: "string", enum: ["a", "b", "c"] }, "kind", 2)).toEqual(["a", "b"]);
  });
});

describe("spec test --properties", () => {
  it("finds every law holding on every route of the example specs", async () => {
    const report = await check(projectRoot, { runs: 6 });
    expect(report.routes.map((r) => r.route)).toEqual([...loadProgram({ cwd: projectRoot }).set!.routes.keys()].sort());
    const failed = report.routes.flatMap((r) => r.properties.filter((p) => p.status === "failed").map((p) => `${r.route} ${p.law}: ${p.counterexample?.reason ?? p.note}`));
    expect(failed).toEqual([]);
    // The laws saw every route do something (deliver, or keep state where that is all it does),
    // not only events the trigger's condition skipped.
    const keepsOnly = new Set(["client-credit-control"]);
    for (const route of report.routes) {
      if (keepsOnly.has(route.route)) expect(route.coverage.kept, route.route).toBeGreaterThan(0);
      else expect(route.coverage.delivered, route.route).toBeGreaterThan(0);
    }
  }, 60_000);

  it("reports a key that is not unique enough with a shrunk counterexample of two business events under one key", async () => {
    const report = await check(coarseKey(), { routes: ["time-to-revenue"] });
    const result = law(report, "time-to-revenue", "key-uniqueness");
    expect(result.status).toBe("failed");
    const c = result.counterexample;
    expect(c?.reason).toMatch(/^the key \[projectId\] is not unique enough: event #1 and event #2 are different business events \(they differ in timeEntryId\) that share the key value "projectId-[12]"; the runtime filed event #2 as a conflict in time-exceptions and did not deliver it$/);
    // Shrunk: exactly the two events that collide, the same but for the identity that tells them apart.
    expect(c?.events).toHaveLength(2);
    const [a, b] = (c?.events ?? []) as Record<string, unknown>[];
    expect({ ...a, timeEntryId: undefined }).toEqual({ ...b, timeEntryId: undefined });
    expect(a?.["timeEntryId"]).not.toEqual(b?.["timeEntryId"]);
    expect(law(report, "time-to-revenue", "no-loss").status).toBe("held");
  }, 30_000);

  it("finds a mapping that reads the time deterministic: $millis() is the time the event was accepted", async () => {
    const report = await check(stamped("$millis()"), { routes: ["time-to-revenue"] });
    expect(law(report, "time-to-revenue", "determinism").status).toBe("held");
  }, 30_000);

  it("reports a mapping that draws random numbers as not deterministic, naming the field that differs", async () => {
    const report = await check(stamped("$random()"), { routes: ["time-to-revenue"] });
    const result = law(report, "time-to-revenue", "determinism");
    expect(result.status).toBe("failed");
    expect(result.counterexample?.reason).toMatch(/^event #1 built different erp\.postCostJournal requests when worked at once and long after it was accepted, with another random source \(postedAt differs\)/);
    expect(result.counterexample?.reason).toMatch(/draws \$random\(\)/);
    expect(result.counterexample?.events).toHaveLength(1);
    expect(law(report, "time-to-revenue", "key-uniqueness").status).toBe("held");
  }, 30_000);

  it("holds every law on the runtime fixture, whose keys and mappings are sound", async () => {
    const report = await check(writeFixture(), { runs: 6 });
    expect(report.routes.flatMap((r) => r.properties.map((p) => `${r.route} ${p.law} ${p.status}`))).toEqual(
      ["project-activation", "time-to-revenue"].flatMap((r) => ["idempotency", "ordering", "no-loss", "determinism", "key-uniqueness"].map((l) => `${r} ${l} held`)),
    );
  }, 30_000);

  it("exits 1 through the real command line with the counterexample and a replay command that reproduces it", () => {
    const root = coarseKey();
    const run = (args: string[]) => spawnSync(process.execPath, [bin, "test", "--properties", ...args], { cwd: root, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
    const first = run(["--route", "time-to-revenue", "--runs", "8", "--seed", "42"]);
    expect(first.status).toBe(1);
    expect(first.stdout).toMatch(/^route time-to-revenue {2}\(psa\.timeApproved; events told apart by TimeEntry's identity \(timeEntryId\)\)$/m);
    expect(first.stdout).toMatch(/^ {2}FAIL {2}key-uniqueness {2}different business events never share an idempotency key$/m);
    expect(first.stdout).toMatch(/^ {10}event #2 {2}\{"timeEntryId":/m);
    expect(first.stdout).toMatch(/1 failed/);
    const replay = /replay: spec test --properties --route time-to-revenue --seed 42 --path ([0-9:]+)/.exec(first.stdout);
    expect(replay).not.toBeNull();
    const again = run(["--route", "time-to-revenue", "--seed", "42", "--path", replay?.[1] ?? ""]);
    expect(again.status).toBe(1);
    const reason = (text: string) => /the key \[projectId\] is not unique enough: .*/.exec(text)?.[0];
    expect(reason(again.stdout)).toBe(reason(first.stdout));
    expect(first.stderr).toBe("");
  }, 30_000);

  it("exits 0 with JSON naming every law when they all hold", async () => {
    const result = await runCli(["test", "--properties", "--route", "project-activation", "--runs", "3", "--seed", "1", "--format", "json"], writeFixture());
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as { passed: boolean; seed: number; routes: { route: string; properties: { law: string; status: string }[] }[] };
    expect(report.passed).toBe(true);
    expect(report.seed).toBe(1);
    expect(report.routes.map((r) => r.properties.map((p) => `${p.law}:${p.status}`))).toEqual([
      ["idempotency:held", "ordering:held", "no-loss:held", "determinism:held", "key-uniqueness:held"],
    ]);
  }, 30_000);

  it.each([
    [["--route", "no-such-route"], /unknown route 'no-such-route'; the spec set's routes are project-activation, time-to-revenue/],
    [["--runs", "0"], /--runs must be a positive integer, not '0'/],
    [["--runs", "many"], /--runs must be a positive integer, not 'many'/],
    [["--seed", "1.5"], /--seed must be a 32-bit integer, not '1.5'/],
    [["--path", "0:1"], /--path replays a counterexample of one seed; give the --seed it was printed with/],
    [["--seed", "1", "--path", "zero"], /--path must be a replay path such as 0:1:3, not 'zero'/],
    [["--format", "junit"], /unknown format 'junit'; use one of text, json/],
  ])("exits 2 with a clear message on %j", async (args, message) => {
    const result = await runCli(["test", "--properties", ...args], writeFixture());
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.stdout).toBe("");
  });

  it("refuses the property options without --properties, and runs the mapping tests as before", async () => {
    const refused = await runCli(["test", "--runs", "3"], writeFixture());
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/--runs goes with --properties/);
    const plain = await runCli(["test"], writeFixture());
    expect(plain.code).toBe(0);
    expect(plain.stdout).toMatch(/0 mapping test\(s\)/);
  });

  it("prints a spec set's diagnostics and exits 1 instead of checking it", async () => {
    const root = writeFixture({ "specs/routes.yaml": (FIXTURE_FILES["specs/routes.yaml"] ?? "").replace("mapping: project-to-erp", "mapping: project-to-nowhere") });
    const result = await runCli(["test", "--properties"], root);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/project-to-nowhere/);
    expect(result.stdout).not.toMatch(/law\(s\)/);
  });
});
