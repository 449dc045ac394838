/**
 * One run of a route in a world of its own: a `:memory:` SQLite store, an injected clock and
 * random source, an in-memory fake target for every operation the spec set declares (used as the
 * runtime's Transport), dummy credentials and base URLs, and lookups that always answer: a
 * cross-reference the store lacks is made up (`<system>-<Entity>-<id>`) and reference data the
 * store lacks is generated from the looked-up entity's schema, the same for the same key in every
 * run of one scenario. Nothing leaves the process.
 */
import fc from "fast-check";
import type { SpecSet } from "../../compiler/check/spec-set.ts";
import type { JsonSchema } from "../../model/json-schema.ts";
import { schemaArbitrary } from "../arbitraries.ts";
import { createFakeTarget, type FakeTarget, requestBody } from "../fake-target.ts";
import { withWrittenBackFields } from "./answers.ts";
import type { Transport } from "../../runtime/delivery/transport.ts";
import type { Logger } from "../../runtime/logger.ts";
import { createRuntime, type EventSource } from "../../runtime/engine.ts";
import type { CompiledSpecSet, PipelineDefinition, ValueRef } from "../../runtime/pipeline.ts";
import { canonicalJson, sha256 } from "../../runtime/store/canonical-json.ts";
import { createSqliteStore } from "../../runtime/store/sqlite.ts";
import type { RecordFound } from "../../runtime/store/roles/state.ts";
import type { AcceptOutcome, Issue, Store, StoreCounts } from "../../runtime/store/store.ts";
import { entityJsonSchema } from "../../pipeline/entity-schema.ts";

/**
 * The laws read what a world did from its store and the targets' ledgers; the runtime's own log of
 * thousands of generated worlds would only bury the report a person reads, so it is not written.
 */
const unheardLogger: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** A request a fake target applied (answered 2xx). */
export interface AppliedRequest {
  /** The index of the generated event whose delivery this is. */
  event: number;
  system: string;
  operation: string;
  method: string;
  path: string;
  body: unknown;
}

/** What happened to one offer. */
export type OfferOutcome = { event: number } & ({ status: AcceptOutcome["status"]; eventId: number } | { status: "refused"; reason: string });

/** What a run leaves behind. */
export interface RunOutcome {
  offers: OfferOutcome[];
  /** Applied requests in the order the targets applied them. */
  applied: AppliedRequest[];
  /** Every target's ledger after each phase settled, entries as canonical JSON, sorted (order across keys is free). */
  ledgers: string[][];
  counts: StoreCounts;
  issues: Issue[];
  /** How many records the route's events kept in the runtime's state (audited `record.kept`). */
  kept: number;
  /** Reference data and cross-references the run made up, `Entity key` → value. */
  seeded: Record<string, unknown>;
}

/** How one run differs from another of the same scenario. */
export interface RunVariant {
  /** The clock's start. */
  startMs: number;
  /** Seeds the runtime's random source (jitter). */
  randomSeed: number;
  /** How long after each phase's offers the runtime starts working them. */
  processAfterMs: number;
}

/** The offers of a run: phases of event indices, the runtime settling after each phase. */
export type OfferPlan = readonly (readonly number[])[];

/** Everything a run needs that does not change between runs of one route. */
export interface RouteWorld {
  set: SpecSet;
  compiled: CompiledSpecSet;
  pipeline: PipelineDefinition;
  source: EventSource;
}

const MAX_SETTLE_ROUNDS = 60;
const SETTLE_STEP_MS = 5 * 60_000;

/** Every `{ env }` and `{ secret }` reference in a system's auth, wherever it sits. */
function valueRefs(value: unknown, found: ValueRef[] = []): ValueRef[] {
  if (value === null || typeof value !== "object") return found;
  if ("env" in value && typeof (value as { env: unknown }).env === "string") found.push(value as ValueRef);
  else if ("secret" in value && typeof (value as { secret: unknown }).secret === "string") found.push(value as ValueRef);
  else for (const inner of Object.values(value)) valueRefs(inner, found);
  return found;
}

/** Dummy values for every environment variable the systems read; base URLs point at the fakes. */
export function dummyEnvironment(compiled: CompiledSpecSet): Record<string, string> {
  const env: Record<string, string> = {};
  for (const system of Object.values(compiled.systems)) {
    for (const ref of valueRefs(system.auth)) if ("env" in ref) env[ref.env] = `fake-${ref.env.toLowerCase()}`;
  }
  for (const [name, system] of Object.entries(compiled.systems)) {
    if ("env" in system.baseUrl) env[system.baseUrl.env] = `https://${name}.fake.test`;
  }
  return env;
}

/** A 31-bit seed from a string. */
function seedOf(text: string): number {
  return Number.parseInt(sha256(text).slice(0, 8), 16) & 0x7fffffff;
}

/** A reproducible random source in [0, 1) (Park–Miller). */
function randomSource(seed: number): () => number {
  let state = (seed % 2147483646) + 1;
  return () => {
    state = (state * 16807) % 2147483647;
    return (state - 1) / 2147483646;
  };
}

/**
 * A made-up target id, shaped as a UUID: the form most target APIs give their ids (Xero's are
 * UUIDs), so a request carrying it passes the operation's schema check as a real id would.
 */
function madeUpId(seed: string): string {
  const hex = sha256(seed);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** Wraps a store so that its lookups always answer, noting what it made up. */
function answeringStore(store: Store, set: SpecSet, lookupSeed: number, seeded: Record<string, unknown>): Store {
  const referenceData = async (entity: string, key: string): Promise<unknown> => {
    const stored = await store.referenceData(entity, key);
    if (stored !== undefined) return stored;
    const spec = set.entities.get(entity)?.value.spec;
    if (spec === undefined) return undefined;
    const label = `${entity} ${key}`;
    if (!(label in seeded)) {
      const [identity] = spec.identity;
      const overrides = new Map<string, fc.Arbitrary<unknown>>(identity === undefined ? [] : [[identity, fc.constant(key)]]);
      const arbitrary = schemaArbitrary(entityJsonSchema(spec) as JsonSchema, { overrides, complete: true, joinable: true });
      [seeded[label]] = fc.sample(arbitrary, { seed: seedOf(`${lookupSeed}\u0000${label}`), numRuns: 1 });
    }
    return seeded[label];
  };
  const findXref = async (entity: string, toSystem: string, fromId: string, fromSystem?: string): Promise<string | undefined> => {
    const stored = await store.findXref(entity, toSystem, fromId, fromSystem);
    if (stored !== undefined) return stored;
    const made = madeUpId(`${toSystem}\u0000${entity}\u0000${fromId}`);
    seeded[`${entity} ${fromId} in ${toSystem}`] = made;
    return made;
  };
  const findRecord = async (entity: string, key: string, asOf?: string): Promise<RecordFound> => {
    const stored = await store.findRecord(entity, key, asOf);
    if (stored.found) return stored;
    const made = await referenceData(entity, key);
    return made === undefined ? stored : { found: true, value: made, validFrom: null };
  };
  return new Proxy(store, {
    get(target, property) {
      if (property === "referenceData") return referenceData;
      if (property === "findRecord") return findRecord;
      if (property === "findXref") return findXref;
      const value = Reflect.get(target, property) as unknown;
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/**
 * Fake targets made on first use, one per operation and resource path, so each honours its
 * operation's idempotency header or external id within the resource the path names (a payment
 * upserted under one invoice is not the same record as under another).
 */
function fakeTargets(compiled: CompiledSpecSet, now: () => number) {
  const targets = new Map<string, FakeTarget>();
  return {
    all: () => [...targets.values()],
    target(system: string, operation: string, path: string): FakeTarget | undefined {
      const name = `${system}.${operation} ${path}`;
      let target = targets.get(name);
      const idempotency = compiled.systems[system]?.operations[operation]?.idempotency;
      if (target === undefined && idempotency !== undefined) {
        target = createFakeTarget({
          name,
          now,
          ...(idempotency.mechanism === "key-header" ? { idempotencyHeader: idempotency.header } : {}),
          ...(idempotency.mechanism === "upsert" ? { externalIdField: idempotency.externalIdField } : {}),
        });
        targets.set(name, target);
      }
      return target;
    },
  };
}

/**
 * Offers the scenario's events as `plan` says, letting the runtime settle after each phase, and
 * returns what the targets received and where every event ended.
 */
export async function runScenario(world: RouteWorld, events: readonly unknown[], plan: OfferPlan, variant: RunVariant, lookupSeed: number): Promise<RunOutcome> {
  let time = variant.startMs;
  const clock = { now: () => time };
  const targets = fakeTargets(world.compiled, clock.now);
  const traces = new Map<string, number>();
  const applied: AppliedRequest[] = [];
  // The ids the targets make for the fields operations write back, numbered as UUIDs.
  let made = 0;
  const transport: Transport = async (request) => {
    const path = new URL(request.url).pathname;
    const target = targets.target(request.system, request.operation, path);
    if (target === undefined) throw new Error(`no fake target for ${request.system}.${request.operation}`);
    const response = withWrittenBackFields(world.compiled.systems[request.system]?.operations[request.operation], await target.handle(request), () => {
      made++;
      return `00000000-0000-4000-8000-${String(made).padStart(12, "0")}`;
    });
    if (response.status >= 200 && response.status < 300) {
      applied.push({
        event: traces.get(request.headers["x-trace-id"] ?? "") ?? -1,
        system: request.system,
        operation: request.operation,
        method: request.method,
        path,
        body: requestBody(request),
      });
    }
    return response;
  };
  const seeded: Record<string, unknown> = {};
  const store = answeringStore(await createSqliteStore({ path: ":memory:" }), world.set, lookupSeed, seeded);
  let offered = 0;
  let pendingEvent = -1;
  const runtime = createRuntime({
    compiled: { ...world.compiled, pipelines: [world.pipeline] },
    store,
    transport,
    env: dummyEnvironment(world.compiled),
    secrets: (name) => `fake-secret-${name}`,
    fetchToken: async () => ({ access_token: "fake-token", expires_in: 3600 }),
    clock,
    random: randomSource(variant.randomSeed),
    sleep: async (ms) => {
      time += ms;
    },
    worker: "properties",
    logger: unheardLogger,
    newId: () => {
      const id = `offer-${++offered}`;
      traces.set(id, pendingEvent);
      return id;
    },
  });
  const offers: OfferOutcome[] = [];
  const ledgers: string[][] = [];
  try {
    for (const phase of plan) {
      for (const index of phase) {
        pendingEvent = index;
        const result = await runtime.offer(world.source, [events[index]]);
        const refused = result.refused[0];
        const outcome = result.outcomes[0];
        if (refused !== undefined) offers.push({ event: index, status: "refused", reason: refused.reason });
        else if (outcome !== undefined) offers.push({ event: index, status: outcome.status, eventId: outcome.eventId });
        time += 1;
      }
      time += variant.processAfterMs;
      await settle();
      // What a target holds, not when or under which id it stored it.
      ledgers.push(targets.all().flatMap((t) => t.ledger.map(({ id: _id, at: _at, ...entry }) => canonicalJson({ target: t.name, ...entry }))).sort());
    }
    const kept = (await store.auditTrail({ limit: 100_000 })).filter((entry) => entry.action === "record.kept" && entry.actor === world.pipeline.route).length;
    return { offers, applied, ledgers, counts: await store.counts(), issues: await store.listIssues(), kept, seeded };
  } finally {
    await store.close();
  }

  /** Drains, moving the clock on while work is still pending (retries, quotas). */
  async function settle(): Promise<void> {
    for (let round = 0; round < MAX_SETTLE_ROUNDS; round++) {
      await runtime.drain();
      const counts = await store.counts();
      const busy = (counts.events["pending"] ?? 0) + (counts.events["processing"] ?? 0) + (counts.deliveries["pending"] ?? 0) + (counts.deliveries["processing"] ?? 0);
      if (busy === 0) return;
      time += SETTLE_STEP_MS;
    }
  }
}
