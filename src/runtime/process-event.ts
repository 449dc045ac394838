/**
 * Running a pipeline over one leased event: the steps in order (validate, map, enrich, classify,
 * branch, require), collecting the deliveries and canonical events it produces. Nothing here
 * writes: the result is a settlement the store commits in one transaction with the outbox rows.
 */
import { atEvaluationTime } from "../transform/index.ts";
import { StoreUnavailableError } from "./errors.ts";
import { everyStep, type PipelineDefinition, type PipelineStep, type Transform } from "./pipeline.ts";
import { sha256 } from "./store/canonical-json.ts";
import type { ClaimedEvent, Dependency, EventSettlement, IncomingEvent, NewDelivery, Store } from "./store/store.ts";

/** Lookups a batch shares, so one event's xref read is not repeated for the next. */
export interface LookupCache {
  xref(entity: string, toSystem: string, fromId: string, fromSystem?: string): Promise<string | undefined>;
  referenceData(entity: string, key: string): Promise<unknown>;
}

/** A cache over the store for one batch. */
export function lookupCache(store: Store): LookupCache {
  const xrefs = new Map<string, Promise<string | undefined>>();
  const data = new Map<string, Promise<unknown>>();
  return {
    xref(entity, toSystem, fromId, fromSystem) {
      const key = `${entity}\u0000${toSystem}\u0000${fromId}\u0000${fromSystem ?? ""}`;
      let found = xrefs.get(key);
      if (found === undefined) {
        found = store.findXref(entity, toSystem, fromId, fromSystem);
        xrefs.set(key, found);
      }
      return found;
    },
    referenceData(entity, key) {
      const id = `${entity}\u0000${key}`;
      let found = data.get(id);
      if (found === undefined) {
        found = store.referenceData(entity, key);
        data.set(id, found);
      }
      return found;
    },
  };
}

/** What processing needs besides the event. */
export interface ProcessContext {
  pipelines: ReadonlyMap<string, PipelineDefinition>;
  /** Routes triggered by each canonical event. */
  canonicalRoutes: ReadonlyMap<string, readonly PipelineDefinition[]>;
  operations: (system: string, operation: string) => { effect: string; entity?: string; path: string } | undefined;
  lookups: LookupCache;
  /**
   * `entity\0system` pairs some route waits for or looks up (require, enrich xref): only these
   * deliveries record a cross-reference; every delivery keeps the target's id in the outbox.
   */
  xrefNeeded: ReadonlySet<string>;
  now: number;
  worker: string;
  /** Called as each step starts; the function it returns as the step ends (with what stopped it). */
  onStep?: (step: PipelineStep) => (error?: unknown) => void;
}

/** The `entity\0system` pairs the pipelines wait for or look up. */
export function xrefsNeeded(pipelines: Iterable<PipelineDefinition>): Set<string> {
  const needed = new Set<string>();
  for (const pipeline of pipelines) {
    for (const step of everyStep(pipeline.steps)) {
      if (step.kind === "require") needed.add(`${step.entity}\u0000${step.system}`);
      if (step.kind === "enrich" && step.lookup === "xref") needed.add(`${step.entity}\u0000${step.to ?? ""}`);
    }
  }
  return needed;
}

/** Per route, the systems its deliver steps call (in branches too). */
export function routeTargets(pipelines: Iterable<PipelineDefinition>): Record<string, string[]> {
  const targets: Record<string, string[]> = {};
  for (const pipeline of pipelines) {
    const systems = new Set<string>();
    for (const step of everyStep(pipeline.steps)) if (step.kind === "deliver") systems.add(step.system);
    targets[pipeline.route] = [...systems];
  }
  return targets;
}

/** Reads a dotted path from a record. */
export function valueAt(record: unknown, path: string): unknown {
  let current = record;
  for (const segment of path.split(".")) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

/** The values of key fields joined into one key; undefined when one is missing. */
export function keyOf(record: unknown, fields: readonly string[]): string | undefined {
  const values: string[] = [];
  for (const field of fields) {
    const value = valueAt(record, field);
    if (value === undefined || value === null || typeof value === "object") return undefined;
    values.push(String(value));
  }
  return values.join("|");
}

/** The step failed in a way a person must look at. */
class StepFailure extends Error {}

/** How long an event whose lookup found the store unavailable waits before it is routed again. */
const STORE_RETRY_MS = 1_000;

interface Run {
  record: unknown;
  /** When the event was accepted: the time its expressions read. */
  at: number;
  classes: Record<string, string>;
  /** Enriched values by their `as` name, bound as `$<as>` in every later expression (mapping lookups). */
  lookups: Record<string, unknown>;
  /** The bindings made of `lookups` and `classes`, until either changes. */
  bound?: Record<string, unknown> | undefined;
  deliveries: NewDelivery[];
  emits: IncomingEvent[];
  wait?: Dependency & { waitMs: number; label: string };
}

/** The names every expression of the run sees; made again only when a lookup or a class is added. */
function bindings(run: Run): Record<string, unknown> {
  run.bound ??= { ...run.lookups, class: run.classes };
  return run.bound;
}

/**
 * Evaluates a transform at the event's time: `$now()` and `$millis()` read when the event was
 * accepted, so routing the same event again (a replay) builds the same requests, which the
 * targets then recognise by their idempotency keys.
 */
function evaluate(run: Run, transform: Transform, input: unknown, bound: Record<string, unknown> = bindings(run)): unknown {
  return atEvaluationTime(run.at, () => transform.evaluate(input, bound));
}

/**
 * Whether a condition holds for the record; at once when its transform answers at once. Callers
 * await only a promise: an await of a value at hand still costs a turn of the microtask queue,
 * and a pipeline asks for several conditions and values per event.
 */
function holds(run: Run, transform: Transform | undefined, record: unknown, bound?: Record<string, unknown>): boolean | Promise<boolean> {
  if (transform === undefined) return true;
  const value = evaluate(run, transform, record, bound);
  return value instanceof Promise ? value.then(isTrue) : isTrue(value);
}

const isTrue = (value: unknown): boolean => value === true || (Array.isArray(value) && value.length > 0 && value.every((v) => v === true));

const DEFAULT_WAIT_MS = 86_400_000;

const PATH_PARAMETER = /\{([^}/]+)\}/g;

/** A path parameter's value as the path carries it: a non-empty string, or a number as a string. */
function paramValue(value: unknown): string | undefined {
  if (typeof value === "string") return value === "" ? undefined : value;
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  return undefined;
}

function shown(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === "") return "an empty string";
  return typeof value === "object" && value !== null ? (Array.isArray(value) ? "an array" : "an object") : JSON.stringify(value);
}

/**
 * The values of the operation's path parameters: each from the step's `params` expression over
 * the record (with the lookups and classes bound), else, for specs written before `params`, from
 * the request body's field of that name. A missing value fails the step, naming the parameter.
 * Only the values `params` gave are returned: the delivery carries them beside the body.
 */
async function pathParams(
  step: Extract<PipelineStep, { kind: "deliver" }>,
  path: string | undefined,
  run: Run,
  body: unknown,
): Promise<Record<string, string> | undefined> {
  const names = path === undefined ? Object.keys(step.params ?? {}) : [...path.matchAll(PATH_PARAMETER)].map((m) => m[1] as string);
  let resolved: Record<string, string> | undefined;
  for (const name of names) {
    const transform = step.params?.[name];
    if (transform === undefined) {
      const field = body !== null && typeof body === "object" ? (body as Record<string, unknown>)[name] : undefined;
      if (paramValue(field) === undefined) {
        throw new StepFailure(
          `step ${step.id}: ${step.system}.${step.operation} needs the path parameter ${name}, which neither the step's params nor the request body gives`,
        );
      }
      continue;
    }
    const raw = await evaluate(run, transform, run.record);
    const value = paramValue(raw);
    if (value === undefined) {
      throw new StepFailure(
        `step ${step.id}: the path parameter ${name} of ${step.system}.${step.operation} has no value (params.${name} gave ${shown(raw)}; it must be a non-empty string or a number)`,
      );
    }
    resolved ??= {};
    resolved[name] = value;
  }
  return resolved;
}

async function runSteps(cx: ProcessContext, pipeline: PipelineDefinition, event: ClaimedEvent, steps: readonly PipelineStep[], run: Run): Promise<void> {
  for (const step of steps) {
    if (run.wait !== undefined) return;
    if (step.when !== undefined) {
      const when = holds(run, step.when, run.record);
      if (!(typeof when === "boolean" ? when : await when)) continue;
    }
    const ended = cx.onStep?.(step);
    if (ended === undefined) {
      await runStep(cx, pipeline, event, step, run);
      continue;
    }
    try {
      await runStep(cx, pipeline, event, step, run);
    } catch (error) {
      ended(error);
      throw error;
    }
    ended();
  }
}

/** Runs one step; a step that must wait for a dependency sets `run.wait`, and the steps after it do not run. */
async function runStep(cx: ProcessContext, pipeline: PipelineDefinition, event: ClaimedEvent, step: PipelineStep, run: Run): Promise<void> {
  switch (step.kind) {
    case "validate": {
      const result = step.validator(run.record);
      if (!result.valid) throw new StepFailure(`${step.entity} is invalid: ${result.errors.join("; ")}`);
      break;
    }
    case "map": {
      const mapped = evaluate(run, step.transform, run.record);
      run.record = mapped instanceof Promise ? await mapped : mapped;
      if (run.record === undefined) throw new StepFailure(`mapping ${step.mapping} produced nothing`);
      break;
    }
    case "enrich": {
      const key = valueAt(run.record, step.key);
      if (key === undefined || key === null) throw new StepFailure(`enrich needs ${step.key}, which the record lacks`);
      let value: unknown;
      if (step.lookup === "xref") {
        value = await cx.lookups.xref(step.entity, step.to ?? "", String(key), step.from);
        if (value === undefined) {
          run.wait = { entity: step.entity, system: step.to ?? "", key: String(key), waitMs: DEFAULT_WAIT_MS, label: step.id };
          return;
        }
      } else {
        value = await cx.lookups.referenceData(step.entity, String(key));
        if (value === undefined) throw new StepFailure(`no ${step.entity} reference data for ${String(key)}`);
      }
      run.record = { ...(run.record as Record<string, unknown>), [step.as]: value };
      run.lookups = { ...run.lookups, [step.as]: value };
      run.bound = undefined;
      break;
    }
    case "classify": {
      let value = step.otherwise;
      for (const rule of step.rules) {
        const when = holds(run, rule.when, run.record);
        if (typeof when === "boolean" ? when : await when) {
          value = rule.value;
          break;
        }
      }
      run.classes = { ...run.classes, [step.as]: value };
      run.bound = undefined;
      break;
    }
    case "branch":
      for (const branch of step.branches) {
        if (await holds(run, branch.when, run.record)) {
          await runSteps(cx, pipeline, event, branch.steps, run);
          break;
        }
      }
      break;
    case "require": {
      const key = valueAt(run.record, step.key);
      if (key === undefined || key === null) throw new StepFailure(`require needs ${step.key}, which the record lacks`);
      const found = await cx.lookups.xref(step.entity, step.system, String(key));
      if (found === undefined) {
        run.wait = { entity: step.entity, system: step.system, key: String(key), waitMs: step.waitMs ?? DEFAULT_WAIT_MS, label: step.id };
        return;
      }
      break;
    }
    case "deliver": {
      const mapped = step.transform === undefined ? run.record : evaluate(run, step.transform, run.record);
      const body = mapped instanceof Promise ? await mapped : mapped;
      const operation = cx.operations(step.system, step.operation);
      // Most operations have no path parameters: nothing to resolve, nothing to await.
      const unparameterised = step.params === undefined && operation !== undefined && !operation.path.includes("{");
      const params = unparameterised ? undefined : await pathParams(step, operation?.path, run, body);
      const delivery: NewDelivery = {
        step: step.id,
        system: step.system,
        operation: step.operation,
        idempotencyKey: sha256(`${pipeline.route}\u0000${event.key}\u0000${event.revision}\u0000${step.id}`).slice(0, 40),
        body,
        ...(params !== undefined ? { params } : {}),
      };
      const entity = operation?.entity;
      const creates = operation?.effect === "create" || operation?.effect === "upsert";
      if (entity !== undefined && creates && cx.xrefNeeded.has(`${entity}\u0000${step.system}`)) {
        const fromSystem = pipeline.trigger.kind === "event" ? pipeline.trigger.system : "canonical";
        delivery.xref = { entity, fromSystem, fromId: event.key };
      }
      run.deliveries.push(delivery);
      break;
    }
    case "emit":
      for (const target of cx.canonicalRoutes.get(step.event) ?? []) {
        const key = keyOf(run.record, target.idempotencyKey) ?? `${pipeline.route}:${event.key}:${step.id}`;
        const orderingKey = target.orderingKey === undefined ? undefined : keyOf(run.record, target.orderingKey);
        const exceptions = target.policies.exceptions;
        run.emits.push({
          route: target.route,
          key,
          payload: run.record,
          source: `canonical:${step.event}`,
          traceId: event.traceId,
          ...(orderingKey !== undefined ? { orderingKey: `${target.route}|${orderingKey}` } : {}),
          ...(exceptions !== undefined ? { exceptions: { queue: exceptions.queue, owner: exceptions.owner } } : {}),
        });
      }
      break;
  }
}

/** Runs the event's pipeline and returns how to settle it. Never throws. */
export async function processEvent(cx: ProcessContext, event: ClaimedEvent): Promise<EventSettlement> {
  const base = { eventId: event.id, attempt: event.attempt, worker: cx.worker, now: cx.now };
  const pipeline = cx.pipelines.get(event.route);
  const exceptions = pipeline?.policies.exceptions;
  const issue = (reason: string) => ({ queue: exceptions?.queue ?? `${event.route}-exceptions`, owner: exceptions?.owner ?? "unassigned", reason });
  if (pipeline === undefined) return { ...base, outcome: "exception", issue: issue(`route ${event.route} is not in the loaded spec set`) };
  const run: Run = { record: event.payload, at: event.receivedAt, classes: {}, lookups: {}, deliveries: [], emits: [] };
  try {
    const triggered = pipeline.trigger.kind === "schedule" ? true : holds(run, pipeline.trigger.when, event.payload, { class: {} });
    if (!(typeof triggered === "boolean" ? triggered : await triggered)) return { ...base, outcome: "skipped", reason: "the trigger's condition does not hold" };
    await runSteps(cx, pipeline, event, pipeline.steps, run);
  } catch (error) {
    // A store that could not be reached is no fault of the event: it is given back and routed again.
    if (error instanceof StoreUnavailableError) return { ...base, outcome: "release", availableAt: cx.now + STORE_RETRY_MS };
    const reason = error instanceof StepFailure ? error.message : `the pipeline failed: ${(error as Error).message ?? String(error)}`;
    return { ...base, outcome: "exception", issue: issue(reason) };
  }
  if (run.wait !== undefined) {
    const { waitMs, label, ...dependency } = run.wait;
    if (event.waitUntil !== null && cx.now >= event.waitUntil) {
      return { ...base, outcome: "exception", issue: issue(`step ${label}: ${dependency.entity} ${dependency.key} did not reach ${dependency.system} in time`) };
    }
    return { ...base, outcome: "waiting", dependency, until: event.waitUntil ?? cx.now + waitMs };
  }
  return { ...base, outcome: "routed", deliveries: run.deliveries, emits: run.emits };
}
