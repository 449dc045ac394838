/**
 * What a step's runtime half works with while a pipeline runs over one leased event: the run's
 * state (the record, the classes and lookups bound so far, the deliveries and canonical events it
 * produces, the dependency it waits for) and the helpers every kind shares. Each kind's behaviour
 * lives in its folder under src/steps/<kind>/run.ts; src/steps/run-registry.ts lists them.
 */
import { withField } from "./objects.ts";
import { atEvaluationTime } from "../transform/index.ts";
import type { OperationDefinition, PipelineDefinition, PipelineStep, Transform } from "./pipeline.ts";
import type { Posting, PostingDelivery, RecordVersion } from "./store/roles/postings.ts";
import type { RecordFound } from "./store/roles/state.ts";
import type { ReleaseCondition } from "./store/roles/inbox.ts";
import type { ClaimedEvent, Dependency, IncomingEvent, NewDelivery, RecordToKeep } from "./store/store.ts";

/** Lookups a batch shares, so one event's xref read is not repeated for the next. */
export interface LookupCache {
  xref(entity: string, toSystem: string, fromId: string, fromSystem?: string): Promise<string | undefined>;
  referenceData(entity: string, key: string): Promise<unknown>;
  /** A kept record or reference data in force on `asOf` (see `StateStore.findRecord`). */
  record(entity: string, key: string, asOf?: string): Promise<RecordFound>;
  /** The records kept from events whose fields equal `match` (see `StateStore.findRecords`): read afresh by each event, as records kept by the one before count. */
  records(entity: string, match: Readonly<Record<string, string>>): Promise<{ key: string; value: unknown }[]>;
  /** What was last posted to `system` for a versioned record (never cached: each event reads it afresh). */
  posting(route: string, identity: string, system: string): Promise<Posting | undefined>;
  /** Where the latest delivery that posted the record to `system` stands (`PostingStore.postingDelivery`). */
  postingDelivery(route: string, identity: string, system: string): Promise<PostingDelivery | undefined>;
}

/** What processing needs besides the event. */
export interface ProcessContext {
  pipelines: ReadonlyMap<string, PipelineDefinition>;
  /** Routes triggered by each canonical event. */
  canonicalRoutes: ReadonlyMap<string, readonly PipelineDefinition[]>;
  operations: (system: string, operation: string) => Pick<OperationDefinition, "effect" | "entity" | "path" | "method" | "requestValidator"> | undefined;
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

/** The state of one pipeline run over one event. */
export interface Run {
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
  /** Canonical records the run keeps in the state (keep steps), settled with the deliveries. */
  records: RecordToKeep[];
  wait?: Dependency & { waitMs: number; label: string };
  /** Set by a reject step: the record goes to this queue, and no step after it runs. */
  rejection?: Rejection;
  /** The identity and version of a versioned record: what its deliveries post (`NewDelivery.posting`). */
  revision?: { identity: string; version: RecordVersion };
  /** Set for the record's void event: no step runs, and what was posted is reversed. */
  voided?: boolean;
  /** The correction that failed the run, for the metrics (`EventSettlement.correction`). */
  failedCorrection?: { system: string; kind: string };
}

/** A declared business rejection: the step, its reason code, the message a person reads, and the queue with its owner. */
export interface Rejection {
  step: string;
  reason: string;
  message: string;
  queue: string;
  owner: string;
  /** The kept record (entity and key) whose field reaching a value releases it, when declared. */
  release?: ReleaseCondition;
}

/** Where a step runs: the process context, the pipeline, the event, and a way to run nested steps. */
export interface StepRunContext {
  process: ProcessContext;
  pipeline: PipelineDefinition;
  event: ClaimedEvent;
  /** Runs a nested list of steps (a branch's) over the same run. */
  runSteps(steps: readonly PipelineStep[]): Promise<void>;
}

/** The step failed in a way a person must look at: the event goes to its route's exception queue (errors.ts). */
export { StepFailedError as StepFailure } from "./errors.ts";
/** Key fields read from records, shared with intake (incoming-event.ts). */
export { keyOf, valueAt } from "./incoming-event.ts";

/** How long a run waits for a dependency when the step names no wait. */
export const DEFAULT_WAIT_MS = 86_400_000;

/** The names every expression of the run sees; made again only when a lookup or a class is added. */
export function bindings(run: Run): Record<string, unknown> {
  run.bound ??= withField(run.lookups, "class", run.classes);
  return run.bound;
}

/**
 * Evaluates a transform at the event's time: `$now()` and `$millis()` read when the event was
 * accepted, so routing the same event again (a replay) builds the same requests, which the
 * targets then recognise by their idempotency keys.
 */
export function evaluate(run: Run, transform: Transform, input: unknown, bound: Record<string, unknown> = bindings(run)): unknown {
  return atEvaluationTime(run.at, () => transform.evaluate(input, bound));
}

/**
 * Whether a condition holds for the record; at once when its transform answers at once. Callers
 * await only a promise: an await of a value at hand still costs a turn of the microtask queue,
 * and a pipeline asks for several conditions and values per event.
 */
export function holds(run: Run, transform: Transform | undefined, record: unknown, bound?: Record<string, unknown>): boolean | Promise<boolean> {
  if (transform === undefined) return true;
  const value = evaluate(run, transform, record, bound);
  return value instanceof Promise ? value.then(isTrue) : isTrue(value);
}

const isTrue = (value: unknown): boolean => value === true || (Array.isArray(value) && value.length > 0 && value.every((v) => v === true));
