/**
 * Acceptance: Kestrel Advisory's fortnight (../shared/scenarios/c) played through the runtime, one
 * event at a time in file order, on a real SQLite store against fakes of its PSA, ERP and billing
 * platform; every figure of expected.json that the spec set expresses is compared, section by
 * section. The firm is the spec set beside this file; its reference data is loaded from the
 * shared files through the runtime's loader; the events and the expected figures are read at test
 * time and never copied into the project.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadProgram } from "../../../src/compiler/program.ts";
import { entityJsonSchema } from "../../../src/pipeline/entity-schema.ts";
import { createRuntime, type EventSource } from "../../../src/runtime/engine.ts";
import { loadReferenceData } from "../../../src/runtime/state/load.ts";
import { describeProblem } from "../../../src/runtime/state/reference-file.ts";
import { referenceEntity } from "../../../src/runtime/state/reference-rows.ts";
import { createSqliteStore } from "../../../src/runtime/store/sqlite.ts";
import { compileValidator } from "../../../src/runtime/validators.ts";
import { compileInMemory } from "../../../src/testing/compile-in-memory.ts";
import { sharedAvailable, sharedPath, shouldRun } from "../../../src/testing/environment.ts";
import { fakeTransport } from "../../../src/testing/fake-target.ts";
import { kestrelSystems, TOKENS } from "./fakes.ts";
import { FIGURES, SHAPED_FIGURES, type Played } from "./figures.ts";
import { writeReferenceFiles } from "./reference.ts";

const HERE = dirname(fileURLToPath(import.meta.url));

/** Where each event type arrives: the system event its source sends it as. */
const INTAKE: Readonly<Record<string, EventSource>> = {
  "client.created": { system: "erp", event: "clientChanged" },
  "client.updated": { system: "erp", event: "clientChanged" },
  "project.activated": { system: "psa", event: "projectActivated" },
  "time.approved": { system: "psa", event: "timeApproved" },
  "time.voided": { system: "psa", event: "timeVoided" },
  "expense.approved": { system: "psa", event: "expenseApproved" },
  "milestone.completed": { system: "psa", event: "milestoneCompleted" },
  "invoice.release.requested": { system: "psa", event: "invoiceReleaseRequested" },
  "creditnote.issued": { system: "billing", event: "creditNoteIssued" },
  "payment.received": { system: "billing", event: "paymentReceived" },
  "journal.posted": { system: "erp", event: "journalPosted" },
};

/** Plays the fortnight and returns what the systems and the store hold afterwards. */
async function playFortnight(work: string): Promise<Played> {
  const program = loadProgram({ cwd: HERE });
  expect(program.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  let now = Date.parse("2026-03-01T00:00:00Z");
  const systems = kestrelSystems(() => now);
  const store = await createSqliteStore({ path: join(work, "kestrel.db"), durability: "normal" });
  for (const [entity, path] of writeReferenceFiles(sharedPath("scenarios", "c", "reference"), work)) {
    const spec = program.set.entities.get(entity)?.value.spec;
    if (spec === undefined) throw new Error(`the spec set has no entity ${entity}`);
    const schema = entityJsonSchema(spec);
    const loaded = await loadReferenceData(store, referenceEntity(entity, spec.identity, schema, compileValidator(schema)), { file: path, bytes: readFileSync(path) }, { now, actor: "kestrel-finance" });
    if (!loaded.ok) throw new Error(loaded.problems.map(describeProblem).join("\n"));
  }
  let seed = 7;
  const runtime = createRuntime({
    compiled: compileInMemory(program),
    store,
    transport: fakeTransport([systems.psa, systems.erp, systems.billing]),
    env: TOKENS,
    clock: { now: () => now },
    random: () => {
      seed = (seed * 16807) % 2147483647;
      return seed / 2147483647;
    },
    sleep: async () => undefined,
    worker: "kestrel",
    newId: () => `trace-${++seed}`,
  });
  const lines = readFileSync(sharedPath("scenarios", "c", "events.ndjson"), "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as Played["lines"][number]);
  for (const event of lines) {
    const source = INTAKE[event.type];
    if (source === undefined) throw new Error(`no intake for event type ${event.type}`);
    // The clock follows the events: a late delivery does not move it back.
    now = Math.max(now, Date.parse(event.time));
    const offered = await runtime.offer(source, [event]);
    expect(offered.refused).toEqual([]);
    await runtime.drain();
  }
  return { lines, systems, store };
}

const scenario = shouldRun("../shared/scenarios/c", sharedAvailable("scenarios", "c", "events.ndjson"));

describe.skipIf(!scenario)("Kestrel Advisory's fortnight", () => {
  let work: string;
  let played: Played;
  let expected: Record<string, unknown>;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), "syncspec-kestrel-"));
    expected = JSON.parse(readFileSync(sharedPath("scenarios", "c", "expected.json"), "utf8")) as Record<string, unknown>;
    played = await playFortnight(work);
  }, 120_000);

  afterAll(async () => {
    await played?.store.close();
    if (work !== undefined) rmSync(work, { recursive: true, force: true });
  });

  it("compares every section of expected.json", () => {
    const sections = Object.keys(expected).filter((key) => key !== "scenario");
    expect([...Object.keys(FIGURES), ...Object.keys(SHAPED_FIGURES)].sort()).toEqual([...sections].sort());
  });

  for (const [section, figure] of Object.entries(FIGURES)) {
    it(`holds the expected ${section}`, async () => {
      expect(await figure(played)).toEqual(expected[section]);
    });
  }

  for (const [section, { figure, part }] of Object.entries(SHAPED_FIGURES)) {
    it(`holds the expected ${section}, both put in one shape`, async () => {
      const wanted = part(expected, expected[section] as Record<string, Record<string, unknown>>);
      expect(Object.keys(wanted).length).toBeGreaterThan(0);
      const held = part(expected, (await figure(played)) as Record<string, Record<string, unknown>>);
      expect(held).toEqual(wanted);
    });
  }
});
