/**
 * `checkProperties`: the runtime's laws checked against every route of a user's spec set. For each
 * route, fast-check generates scenarios (a few distinct business events from the trigger's payload
 * schema, and an order in which to offer them again) and each law is asserted over them with the
 * same seed, so the laws share their runs; a law that breaks is shrunk to a minimal scenario.
 */
import fc from "fast-check";
import type { SpecSet } from "../../compiler/check/spec-set.ts";
import type { CompiledSpecSet } from "../../runtime/pipeline.ts";
import { canonicalJson } from "../../runtime/store/canonical-json.ts";
import { keyOf } from "../../runtime/process-event.ts";
import { LAWS, type Law, type ScenarioRuns } from "./laws.ts";
import { planRoutes, type RoutePlan, type UncheckedRoute } from "./plan.ts";
import { type OfferPlan, type RouteWorld, type RunOutcome, runScenario } from "./world.ts";

/** How hard to look. */
export interface PropertyOptions {
  /** Only these routes (default: every route). */
  routes?: readonly string[];
  /** Scenarios per route and law (default 15). */
  runs?: number;
  /** fast-check's seed; the same seed generates the same scenarios. */
  seed: number;
  /** fast-check's replay path of a counterexample (with its seed). */
  path?: string;
  /** Called as each route starts, for progress. */
  onRoute?(route: string, index: number, total: number): void;
}

/** A generated scenario: distinct business events and how to offer them a second time. */
export interface Scenario {
  events: unknown[];
  /** Copies offered while the originals are still being worked: `[event, position]`, each after its original. */
  again: [number, number][];
  /** After the runtime settled, every event is offered again in the order these sort keys give, then these extra copies. */
  shuffle: number[];
  replay: number[];
  /** Seeds the reference data made up for lookups. */
  world: number;
}

/** A minimal scenario that breaks a law. */
export interface Counterexample {
  reason: string;
  events: unknown[];
  /** How the events were offered a second time, when the law read that run. */
  againOrder: string;
  /** Reference data and cross-references made up for the scenario's lookups. */
  seeded: Record<string, unknown>;
  seed: number;
  path: string;
  shrinks: number;
}

/** One law on one route. */
export interface PropertyResult {
  law: Law["name"];
  states: string;
  status: "held" | "failed" | "not-applicable";
  runs: number;
  note?: string;
  counterexample?: Counterexample;
}

/** What generated events did on a route, over every scenario run once: how much the laws saw. */
export interface Coverage {
  events: number;
  delivered: number;
  /** Records the route's events kept in the runtime's state: what a route that only keeps state does. */
  kept: number;
  skipped: number;
  waiting: number;
}

/** The laws on one route. */
export interface RouteResult {
  route: string;
  source: string;
  identity: string;
  properties: PropertyResult[];
  coverage: Coverage;
}

/** The whole check. */
export interface PropertiesReport {
  seed: number;
  routes: RouteResult[];
  unchecked: UncheckedRoute[];
}

/** A route name that is not in the spec set. */
export class UnknownRouteError extends Error {
  override name = "UnknownRouteError";
}

const VARIANT_A = { startMs: Date.UTC(2026, 0, 5, 9), randomSeed: 1, processAfterMs: 0 };
/** The same events worked much later, as a replay or a long backlog would, with another random source. */
const VARIANT_B = { startMs: Date.UTC(2026, 0, 5, 9), randomSeed: 977, processAfterMs: 400 * 86_400_000 + 3_723_123 };

function scenarioArbitrary(plan: RoutePlan): fc.Arbitrary<Scenario> {
  const identity = plan.identity;
  const selector = (payload: unknown) => (identity.length === 0 ? canonicalJson(payload) : identity.map((f) => canonicalJson(keyOf(payload, [f]) ?? null)).join("|"));
  return fc.record({
    events: fc.uniqueArray(plan.payload, { minLength: 1, maxLength: 4, selector }),
    again: fc.array(fc.tuple(fc.nat(7), fc.nat(7)), { maxLength: 4 }),
    shuffle: fc.array(fc.nat(7), { maxLength: 4 }),
    replay: fc.array(fc.nat(7), { maxLength: 2 }),
    world: fc.nat(1000),
  });
}

/**
 * The offering with duplicates: every event in order, with copies inserted after their originals
 * (often before those are processed); then, once the runtime settled, every event again in a
 * shuffled order and some once more.
 */
export function againPlan(scenario: Scenario): OfferPlan {
  const n = scenario.events.length;
  const first = Array.from({ length: n }, (_, i) => i);
  for (const [copy, position] of scenario.again) {
    const event = copy % n;
    const original = first.indexOf(event);
    first.splice(original + 1 + (position % (first.length - original)), 0, event);
  }
  const rank = (i: number) => scenario.shuffle[i % Math.max(1, scenario.shuffle.length)] ?? 0;
  const second = Array.from({ length: n }, (_, i) => i).sort((a, b) => rank(a) - rank(b) || b - a);
  return [first, [...second, ...scenario.replay.map((e) => e % n)]];
}

function describeOrder(plan: OfferPlan): string {
  return plan.map((phase) => phase.map((e) => `#${e + 1}`).join(", ")).join("; then, after settling, ");
}

/** The runs of scenarios, each made at most once per route whichever law asks. */
function runCache(world: RouteWorld) {
  const cache = new Map<string, Promise<RunOutcome>>();
  const run = (scenario: Scenario, kind: "once" | "again" | "elsewhere"): Promise<RunOutcome> => {
    const id = `${kind}\u0000${canonicalJson(scenario)}`;
    let found = cache.get(id);
    if (found === undefined) {
      const once: OfferPlan = [scenario.events.map((_, i) => i)];
      found = runScenario(world, scenario.events, kind === "again" ? againPlan(scenario) : once, kind === "elsewhere" ? VARIANT_B : VARIANT_A, scenario.world);
      cache.set(id, found);
    }
    return found;
  };
  return {
    runs(scenario: Scenario): ScenarioRuns {
      return {
        events: scenario.events,
        once: () => run(scenario, "once"),
        again: () => run(scenario, "again"),
        elsewhere: () => run(scenario, "elsewhere"),
        againOrder: describeOrder(againPlan(scenario)),
      };
    },
    /** Every scenario's `once` run so far. */
    async onceRuns(): Promise<RunOutcome[]> {
      return Promise.all([...cache].filter(([id]) => id.startsWith("once\u0000")).map(([, outcome]) => outcome));
    },
  };
}

async function checkLaw(plan: RoutePlan, law: Law, cache: ReturnType<typeof runCache>, options: PropertyOptions): Promise<PropertyResult> {
  const runs = options.runs ?? 15;
  const base = { law: law.name, states: law.states, runs };
  const identityFromKey = plan.identityFrom.startsWith("the idempotency key");
  const skip = law.notApplicable?.(plan.pipeline, identityFromKey);
  if (skip !== undefined) return { ...base, status: "not-applicable", note: skip, runs: 0 };
  const property = fc.asyncProperty(scenarioArbitrary(plan), async (scenario) => (await law.check(plan.pipeline, cache.runs(scenario))) === undefined);
  const details = await fc.check(property, { seed: options.seed, numRuns: runs, ...(options.path !== undefined ? { path: options.path } : {}) });
  if (!details.failed) return { ...base, status: "held", runs: details.numRuns };
  const [scenario] = details.counterexample ?? [];
  if (scenario === undefined) {
    const error = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
    return { ...base, status: "failed", runs: details.numRuns, note: `the check itself failed: ${error}` };
  }
  const scenarioRuns = cache.runs(scenario);
  const reason = (await law.check(plan.pipeline, scenarioRuns)) ?? "the law broke on this scenario";
  const seeded = { ...(await scenarioRuns.once()).seeded };
  return {
    ...base,
    status: "failed",
    runs: details.numRuns,
    counterexample: {
      reason,
      events: scenario.events,
      againOrder: scenarioRuns.againOrder,
      seeded,
      seed: details.seed,
      path: details.counterexamplePath ?? "",
      shrinks: details.numShrinks,
    },
  };
}

async function coverage(cache: ReturnType<typeof runCache>): Promise<Coverage> {
  const total: Coverage = { events: 0, delivered: 0, kept: 0, skipped: 0, waiting: 0 };
  for (const run of await cache.onceRuns()) {
    total.events += run.offers.filter((o) => o.status === "accepted").length;
    total.skipped += run.counts.events["skipped"] ?? 0;
    total.waiting += run.counts.events["waiting"] ?? 0;
    total.delivered += new Set(run.applied.map((r) => r.event)).size;
    total.kept += run.kept;
  }
  return total;
}

/**
 * Checks every law on every route (or the routes asked for) of a spec set that loaded without
 * errors; `compiled` is what runs (the generated modules, or the spec set compiled in memory).
 */
export async function checkProperties(set: SpecSet, options: PropertyOptions, compiled: CompiledSpecSet): Promise<PropertiesReport> {
  const wanted = options.routes;
  for (const name of wanted ?? []) {
    if (!set.routes.has(name)) {
      const known = [...set.routes.keys()].sort();
      throw new UnknownRouteError(`unknown route '${name}'; the spec set's routes are ${known.length === 0 ? "none" : known.join(", ")}`);
    }
  }
  const pipelines = compiled.pipelines.filter((p) => wanted === undefined || wanted.includes(p.route)).sort((a, b) => a.route.localeCompare(b.route));
  const { plans, unchecked } = planRoutes(set, pipelines);
  const routes: RouteResult[] = [];
  for (const [index, plan] of plans.entries()) {
    options.onRoute?.(plan.route, index, plans.length);
    const world: RouteWorld = { set, compiled, pipeline: plan.pipeline, source: plan.source };
    const cache = runCache(world);
    const properties: PropertyResult[] = [];
    for (const law of LAWS) properties.push(await checkLaw(plan, law, cache, options));
    routes.push({ route: plan.route, source: plan.sourceLabel, identity: plan.identityFrom, properties, coverage: await coverage(cache) });
  }
  return { seed: options.seed, routes, unchecked };
}
