/**
 * The contract between the compiler and the runtime: what a compiled route (a pipeline) and a
 * compiled system look like. The compiler's lowering (src/compiler/lower) builds these values once,
 * with references where code goes (`T` for transforms, `V` for validators); `spec compile` prints
 * them as modules, and the runtime executes what those modules export, where the references are
 * functions. Durations are milliseconds.
 *
 * This folder sits below both the compiler and the runtime: it imports only src/model, and each of
 * them imports it, never the other.
 */

/** A compiled JSONata expression: input and named bindings (`$name`) to output. */
export interface Transform {
  /** The spec's name for it (mapping name, or `<route>#<step>.when`). */
  name: string;
  evaluate(input: unknown, bindings?: Readonly<Record<string, unknown>>): unknown;
}

/** The result of a precompiled validator. */
export interface ValidationResult {
  valid: boolean;
  /** Sentences naming the field, when invalid. */
  errors: readonly string[];
}

/** A precompiled validator of an entity or schema. */
export type Validator = (value: unknown) => ValidationResult;

interface StepBase<T> {
  /** The step's id (declared, or `step-<n>` by position). */
  id: string;
  /** Skip unless this holds for the current record. */
  when?: T;
}

/** One step of a pipeline, by kind; `T` is what a transform is, `V` what a validator is. */
export type PipelineStep<T = Transform, V = Validator> =
  | (StepBase<T> & { kind: "validate"; entity: string; validator: V })
  | (StepBase<T> & { kind: "map"; mapping: string; transform: T })
  | (StepBase<T> & {
      kind: "enrich";
      lookup: "xref" | "reference-data" | "records";
      entity: string;
      /** For `records`: the entity's fields compared with the key's values, one per key path. */
      match?: readonly string[];
      from?: string;
      to?: string;
      /** Field path of the record whose value is the lookup key; several for a composite identity, their values joined by `|`. */
      key: string | readonly string[];
      /** Field path of the date the record must be in force on (reference data). */
      asOf?: string;
      /** How long a missing record is waited for (entities kept from events); without it a missing record is an exception. */
      waitMs?: number;
      /** Field the looked-up value is stored under. */
      as: string;
    })
  | (StepBase<T> & { kind: "classify"; as: string; rules: readonly { when: T; value: string }[]; otherwise: string })
  | (StepBase<T> & { kind: "branch"; branches: readonly { when?: T; steps: readonly PipelineStep<T, V>[] }[] })
  | (StepBase<T> & { kind: "require"; entity: string; system: string; key: string; waitMs?: number })
  | (StepBase<T> & {
      kind: "deliver";
      system: string;
      operation: string;
      mapping?: string;
      /** Builds the request body from the record; the record itself when absent. */
      transform?: T;
      /** The operation's path parameters by name, each evaluated over the record at this step. */
      params?: Readonly<Record<string, T>>;
      /** Query parameters by name, each evaluated over the record at this step. */
      query?: Readonly<Record<string, T>>;
      /** Header parameters by name, each evaluated over the record at this step. */
      headers?: Readonly<Record<string, T>>;
      /** How a newer version of a versioned record corrects what this step posted for an earlier one. */
      correction?: CorrectionDefinition<T>;
    })
  | (StepBase<T> & {
      kind: "reject";
      /** The reason code, as queues and audits show it. */
      reason: string;
      /** The message a person reads, over the record at this step. */
      message: T;
      queue: string;
      owner: string;
      /** The kept record whose field reaching a value releases the rejection: `key` is a field of the rejected record. */
      release?: { entity: string; key: string; field: string; equals: string };
    })
  | (StepBase<T> & { kind: "emit"; event: string; entity?: string })
  | (StepBase<T> & {
      kind: "keep";
      entity: string;
      /** The entity's identity fields, whose values joined by `|` key the record. */
      identity: readonly string[];
      /** Field path of the record's version; the event's arrival order when absent. */
      version?: string;
      validator: V;
    });

/**
 * A deliver step's correction: `reverse` (this call first, then the new posting behind it),
 * `adjust` (this call, posting the difference, in place of the new posting) or `update` (this
 * call replacing what was posted, in place of the new posting). Its mapping and parameters see
 * `$previous`: the body, target id and version last posted to the step's target for the record.
 */
export interface CorrectionDefinition<T = Transform> {
  kind: "reverse" | "adjust" | "update";
  system: string;
  operation: string;
  mapping?: string;
  /** Builds the correction's body from the record, with `$previous` bound; the record itself when absent. */
  transform?: T;
  params?: Readonly<Record<string, T>>;
}

/** Every step of a list, those inside branches included, in order. */
export function* everyStep<T, V>(steps: readonly PipelineStep<T, V>[]): Generator<PipelineStep<T, V>> {
  for (const step of steps) {
    yield step;
    if (step.kind === "branch") for (const branch of step.branches) yield* everyStep(branch.steps);
  }
}

/** What starts a pipeline. */
export type PipelineTrigger<T = Transform> =
  | { kind: "event"; system: string; event: string; when?: T }
  | { kind: "canonical"; event: string; when?: T }
  | { kind: "schedule"; cron: string };

/** Retry settings in milliseconds. */
export interface RetrySettings {
  maxAttempts: number;
  backoff: "exponential" | "fixed";
  initialDelayMs: number;
  maxDelayMs: number;
  jitter: "full" | "none";
}

/** A route's policies, durations in milliseconds. */
export interface PipelinePolicies {
  retry?: RetrySettings;
  timeoutMs?: number;
  circuitBreaker?: { failureThreshold: number; resetAfterMs: number; halfOpenProbes: number };
  deadLetterQueue?: string;
  exceptions?: { queue: string; owner: string; slaMs?: number };
}

/**
 * A business measure a route declares: the time from an event's acceptance to the delivery of
 * `step` (`latency`), the route's events whose delivery by `step` is not made (`pending`), or its
 * open exceptions, those whose reason contains `reason` when given (`exceptions`).
 */
export interface MeasureDefinition {
  name: string;
  description: string;
  kind: "latency" | "pending" | "exceptions";
  step?: string;
  reason?: string;
  /** For a latency: the 90th percentile should stay within it. */
  objectiveMs?: number;
  /** For a count: the most it should be. */
  objectiveCount?: number;
}

/** One compiled route. */
export interface PipelineDefinition<T = Transform, V = Validator> {
  route: string;
  version: string;
  /** The spec file it came from, relative to the project root. */
  source: string;
  trigger: PipelineTrigger<T>;
  /** Payload field paths whose values identify one business event. */
  idempotencyKey: readonly string[];
  orderingKey?: readonly string[];
  /** A versioned record's identity fields and version field: its postings are kept and compared. */
  versioning?: { identity: readonly string[]; version: string; void?: { system: string; event: string } };
  steps: readonly PipelineStep<T, V>[];
  policies: PipelinePolicies;
  slaMs?: number;
  ignoreOrigin?: readonly string[];
  /** The route's business measures, in the order declared. */
  measures?: readonly MeasureDefinition[];
}

/** A value the runtime resolves from the environment or the secret provider at start-up. */
export type ValueRef = { env: string; default?: string } | { secret: string };

/** One operation of a system, as deliveries call it. */
export interface OperationDefinition<V = Validator> {
  name: string;
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  path: string;
  effect: "read" | "create" | "update" | "upsert" | "delete";
  encoding: "json" | "form";
  idempotency: { mechanism: "key-header"; header: string } | { mechanism: "upsert"; externalIdField: string } | { mechanism: "none" };
  timeoutMs?: number;
  entity?: string;
  requestValidator?: V;
  /** Fields of a kept record taken from the answer: JSONata sources over `{ request, answer }`, compiled by the runtime once. */
  writeBack?: WriteBackDefinition;
}

/** What an operation's answer writes back onto a kept record, and the canonical event that announces it. */
export interface WriteBackDefinition {
  entity: string;
  key: string;
  fields: Readonly<Record<string, string>>;
  /**
   * The canonical event published when the answer changes a written-back field; its payload is
   * the record's identity fields (`identity`, the key split at `|`) and the fields written back.
   */
  emit?: { event: string; identity: readonly string[] };
}

/** How a webhook's sender authenticates: HTTP basic or bearer credentials (references), or none with a reason. */
export type WebhookAuthenticationDefinition =
  | { basic: { username: ValueRef; password: ValueRef } }
  | { bearer: { token: ValueRef } }
  | { none: { reason: string } };

/** One inbound event of a system, by webhook or polling. */
export interface EventDefinition<V = Validator> {
  name: string;
  delivery: "webhook" | "polling";
  entity?: string;
  payloadValidator?: V;
  webhook?: {
    path: string;
    signature?: {
      scheme: "hmac-sha256" | "hmac-sha256-timestamped";
      header: string;
      encoding: "base64" | "hex";
      secret: ValueRef;
      timestampHeader?: string;
      toleranceMs?: number;
    };
    /** The credentials the sender must present; `none` only where the spec gives a reason. */
    authentication?: WebhookAuthenticationDefinition;
  };
  polling?: { operation: string; intervalMs: number; cursor: string; cursorParam?: string };
}

/** One compiled system. */
export interface SystemDefinition<V = Validator> {
  name: string;
  role: string;
  baseUrl: ValueRef;
  auth: { type: string } & Record<string, unknown>;
  quotas?: { requestsPerMinute: number; burst?: number; concurrency?: number; requestsPerDay?: number };
  timeoutMs?: number;
  operations: Readonly<Record<string, OperationDefinition<V>>>;
  events: Readonly<Record<string, EventDefinition<V>>>;
}

/** Everything the runtime needs from a compiled spec set. */
export interface CompiledSpecSet<T = Transform, V = Validator> {
  /**
   * The version of the compiler that generated this set; the runtime refuses a set from a newer
   * compiler than itself. A set without it is taken as written for this runtime.
   */
  compilerVersion?: string;
  systems: Readonly<Record<string, SystemDefinition<V>>>;
  pipelines: readonly PipelineDefinition<T, V>[];
  /** Mapping transforms by mapping name, for replays and tests. */
  transforms: Readonly<Record<string, T>>;
  /** Entity validators by entity name. */
  validators: Readonly<Record<string, V>>;
}

/** Parses a spec duration (`250ms`, `30s`, `5m`, `4h`, `2d`) into milliseconds. */
export function durationMs(duration: string): number {
  const match = /^([0-9]+)(ms|s|m|h|d)$/.exec(duration);
  if (match === null) throw new Error(`not a duration: ${duration}`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] as "ms" | "s" | "m" | "h" | "d"];
  return Number(match[1]) * unit;
}
