/**
 * The contract between the compiler and the runtime: what a compiled route (a pipeline) and a
 * compiled system look like. `spec compile` emits modules exporting these values for each route
 * and system; `definitionsFromSpecSet` builds the same values from a loaded spec set at run time.
 * Durations are milliseconds; JSONata is already compiled into functions.
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

interface StepBase {
  /** The step's id (declared, or `step-<n>` by position). */
  id: string;
  /** Skip unless this holds for the current record. */
  when?: Transform;
}

export type PipelineStep =
  | (StepBase & { kind: "validate"; entity: string; validator: Validator })
  | (StepBase & { kind: "map"; mapping: string; transform: Transform })
  | (StepBase & {
      kind: "enrich";
      lookup: "xref" | "reference-data";
      entity: string;
      from?: string;
      to?: string;
      /** Field path of the record whose value is the lookup key. */
      key: string;
      /** Field the looked-up value is stored under. */
      as: string;
    })
  | (StepBase & { kind: "classify"; as: string; rules: readonly { when: Transform; value: string }[]; otherwise: string })
  | (StepBase & { kind: "branch"; branches: readonly { when?: Transform; steps: readonly PipelineStep[] }[] })
  | (StepBase & { kind: "require"; entity: string; system: string; key: string; waitMs?: number })
  | (StepBase & {
      kind: "deliver";
      system: string;
      operation: string;
      mapping?: string;
      /** Builds the request body from the record; the record itself when absent. */
      transform?: Transform;
      /** The operation's path parameters by name, each evaluated over the record at this step. */
      params?: Readonly<Record<string, Transform>>;
    })
  | (StepBase & { kind: "emit"; event: string; entity?: string });

/** Every step of a list, those inside branches included, in order. */
export function* everyStep(steps: readonly PipelineStep[]): Generator<PipelineStep> {
  for (const step of steps) {
    yield step;
    if (step.kind === "branch") for (const branch of step.branches) yield* everyStep(branch.steps);
  }
}

export type PipelineTrigger =
  | { kind: "event"; system: string; event: string; when?: Transform }
  | { kind: "canonical"; event: string; when?: Transform }
  | { kind: "schedule"; cron: string };

/** Retry settings in milliseconds. */
export interface RetrySettings {
  maxAttempts: number;
  backoff: "exponential" | "fixed";
  initialDelayMs: number;
  maxDelayMs: number;
  jitter: "full" | "none";
}

export interface PipelinePolicies {
  retry?: RetrySettings;
  timeoutMs?: number;
  circuitBreaker?: { failureThreshold: number; resetAfterMs: number; halfOpenProbes: number };
  deadLetterQueue?: string;
  exceptions?: { queue: string; owner: string; slaMs?: number };
}

/** One compiled route. */
export interface PipelineDefinition {
  route: string;
  version: string;
  /** The spec file it came from, relative to the project root. */
  source: string;
  trigger: PipelineTrigger;
  /** Payload field paths whose values identify one business event. */
  idempotencyKey: readonly string[];
  orderingKey?: readonly string[];
  steps: readonly PipelineStep[];
  policies: PipelinePolicies;
  slaMs?: number;
  ignoreOrigin?: readonly string[];
}

/** A value the runtime resolves from the environment or the secret provider at start-up. */
export type ValueRef = { env: string; default?: string } | { secret: string };

export interface OperationDefinition {
  name: string;
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  path: string;
  effect: "read" | "create" | "update" | "upsert" | "delete";
  encoding: "json" | "form";
  idempotency: { mechanism: "key-header"; header: string } | { mechanism: "upsert"; externalIdField: string } | { mechanism: "none" };
  timeoutMs?: number;
  entity?: string;
  requestValidator?: Validator;
}

/** How a webhook's sender authenticates: HTTP basic or bearer credentials (references), or none with a reason. */
export type WebhookAuthenticationDefinition =
  | { basic: { username: ValueRef; password: ValueRef } }
  | { bearer: { token: ValueRef } }
  | { none: { reason: string } };

export interface EventDefinition {
  name: string;
  delivery: "webhook" | "polling";
  entity?: string;
  payloadValidator?: Validator;
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
export interface SystemDefinition {
  name: string;
  role: string;
  baseUrl: ValueRef;
  auth: { type: string } & Record<string, unknown>;
  quotas?: { requestsPerMinute: number; burst?: number; concurrency?: number; requestsPerDay?: number };
  timeoutMs?: number;
  operations: Readonly<Record<string, OperationDefinition>>;
  events: Readonly<Record<string, EventDefinition>>;
}

/** Everything the runtime needs from a compiled spec set. */
export interface CompiledSpecSet {
  systems: Readonly<Record<string, SystemDefinition>>;
  pipelines: readonly PipelineDefinition[];
  /** Mapping transforms by mapping name, for replays and tests. */
  transforms: Readonly<Record<string, Transform>>;
  /** Entity validators by entity name. */
  validators: Readonly<Record<string, Validator>>;
}

/** Parses a spec duration (`250ms`, `30s`, `5m`, `4h`, `2d`) into milliseconds. */
export function durationMs(duration: string): number {
  const match = /^([0-9]+)(ms|s|m|h|d)$/.exec(duration);
  if (match === null) throw new Error(`not a duration: ${duration}`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] as "ms" | "s" | "m" | "h" | "d"];
  return Number(match[1]) * unit;
}
