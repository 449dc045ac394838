/** A runtime over the fixture spec set, a SQLite store in a temp folder, fake targets and a hand-moved clock. */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRuntime, type Runtime } from "../../src/runtime/engine.ts";
import type { CompiledSpecSet } from "../../src/runtime/pipeline.ts";
import { createSqliteStore } from "../../src/runtime/store/sqlite.ts";
import type { Store } from "../../src/runtime/store/store.ts";
import { createFakeTarget, type FakeTarget, type FakeTargetOptions, fakeTransport } from "../../src/testing/fake-target.ts";
import { compiledFixture } from "./fixture.ts";

let cached: CompiledSpecSet | undefined;

/** The fixture's compiled definitions, loaded once per test file. */
export function fixtureDefinitions(): CompiledSpecSet {
  cached ??= compiledFixture().compiled;
  return cached;
}

export interface Harness {
  runtime: Runtime;
  store: Store;
  clock: { now(): number; advance(ms: number): void };
  erp: FakeTarget;
  billing: FakeTarget;
  close(): Promise<void>;
}

/** Builds a harness; `faults` configure the fake targets. */
export async function harness(faults: { erp?: Partial<FakeTargetOptions>; billing?: Partial<FakeTargetOptions> } = {}, store?: Store): Promise<Harness> {
  let time = Date.UTC(2026, 0, 5, 9);
  const clock = { now: () => time, advance: (ms: number) => {
      time += ms;
    },
  };
  const erp = createFakeTarget({ name: "erp", auth: { header: "authorization", value: "Bearer erp-token" }, now: clock.now, ...faults.erp });
  const billing = createFakeTarget({ name: "billing", auth: { header: "X-Api-Key", value: "billing-key" }, externalIdField: "reference", now: clock.now, ...faults.billing });
  const opened = store ?? (await createSqliteStore({ path: join(mkdtempSync(join(tmpdir(), "syncspec-engine-")), "store.db"), durability: "normal" }));
  let seed = 1;
  const runtime = createRuntime({
    compiled: fixtureDefinitions(),
    store: opened,
    transport: fakeTransport([erp, billing]),
    env: {},
    clock,
    random: () => {
      seed = (seed * 16807) % 2147483647;
      return seed / 2147483647;
    },
    sleep: async () => undefined,
    worker: "test-worker",
    newId: () => `trace-${++seed}`,
  });
  return { runtime, store: opened, clock, erp, billing, close: () => opened.close() };
}

/** A PSA project activation payload. */
export const project = (id: string) => ({ projectId: id, name: `Project ${id}` });

/** A PSA approved-time payload. */
export const time = (id: string, projectId: string, minutes = 60, billable = true) => ({ timeEntryId: id, projectId, minutes, billable });
