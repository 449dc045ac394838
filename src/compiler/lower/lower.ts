/**
 * The lowering: a checked spec set turned into pipeline definitions, once. Every default (an
 * idempotency header, a retry's jitter, a step's id) and every duration in milliseconds is decided
 * here; emit prints the result and the runtime executes what emit printed, so neither decides
 * anything again. Code is left as references (src/pipeline/lowered.ts): JSONata by its source,
 * validators by their JSON Schema.
 */
import type { JsonSchema, RouteSpec, Step, SystemSpec } from "../../model/index.ts";
import { durationMs, type MeasureDefinition, type OperationDefinition, type PipelineDefinition, type PipelinePolicies, type PipelineStep, type PipelineTrigger } from "../../pipeline/definitions.ts";
import { entityJsonSchema } from "../../pipeline/entity-schema.ts";
import {
  type EntityValidatorRef,
  type ExpressionRef,
  type LoweredPipeline,
  type LoweredSpecSet,
  type LoweredSystem,
  type LoweredTransform,
  type LoweredValidator,
  loweredRef,
  type MappingRef,
  type SchemaValidatorRef,
} from "../../pipeline/lowered.ts";
import type { SpecSet } from "../check/spec-set.ts";
import { PACKAGE_VERSION } from "../../package-version.ts";
import type { StepLowering } from "../../steps/compile-kind.ts";
import { declaredKinds } from "../../steps/compile-registry.ts";
import { specPathOf } from "./paths.ts";

type LoweredStep = PipelineStep<LoweredTransform, LoweredValidator>;
type EventOf = LoweredSystem["events"][string];

function sortedNames<V>(map: ReadonlyMap<string, V>): [string, V][] {
  return [...map].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

function lowerSystem(name: string, spec: SystemSpec, identityOf: (entity: string) => readonly string[]): LoweredSystem {
  const schemas = (spec.schemas ?? {}) as Record<string, JsonSchema>;
  const validator = (schema: string | undefined): SchemaValidatorRef | undefined => {
    const json = schema === undefined ? undefined : schemas[schema];
    return json === undefined || schema === undefined ? undefined : loweredRef("schema", { system: name, schema, json, definitions: schemas });
  };
  const operations: Record<string, OperationDefinition<LoweredValidator>> = {};
  for (const [opName, op] of Object.entries(spec.operations ?? {})) {
    const idem = op.idempotency;
    const definition: OperationDefinition<LoweredValidator> = {
      name: opName,
      method: op.method as OperationDefinition["method"],
      path: op.path,
      effect: op.effect as OperationDefinition["effect"],
      encoding: op.encoding ?? "json",
      idempotency:
        idem?.mechanism === "key-header"
          ? { mechanism: "key-header", header: idem.header ?? "Idempotency-Key" }
          : idem?.mechanism === "upsert"
            ? { mechanism: "upsert", externalIdField: idem.externalIdField ?? "externalId" }
            : { mechanism: "none" },
    };
    if (op.timeout !== undefined) definition.timeoutMs = durationMs(op.timeout);
    if (op.entity !== undefined) definition.entity = op.entity;
    const wb = op.writeBack;
    if (wb !== undefined) {
      definition.writeBack = { entity: wb.entity, key: wb.key, fields: { ...wb.fields } };
      if (wb.emit !== undefined) definition.writeBack.emit = { event: wb.emit, identity: [...identityOf(wb.entity)] };
    }
    const request = validator(op.request);
    if (request !== undefined) definition.requestValidator = request;
    operations[opName] = definition;
  }
  const events: Record<string, EventOf> = {};
  for (const [eventName, event] of Object.entries(spec.events ?? {})) {
    const definition: EventOf = { name: eventName, delivery: event.delivery };
    if (event.entity !== undefined) definition.entity = event.entity;
    const payload = validator(event.payload);
    if (payload !== undefined) definition.payloadValidator = payload;
    if (event.webhook !== undefined) {
      const webhook: NonNullable<EventOf["webhook"]> = { path: event.webhook.path };
      const sig = event.webhook.signature;
      if (sig !== undefined) {
        webhook.signature = { scheme: sig.scheme, header: sig.header, encoding: sig.encoding, secret: sig.secret };
        if (sig.timestampHeader !== undefined) webhook.signature.timestampHeader = sig.timestampHeader;
        if (sig.tolerance !== undefined) webhook.signature.toleranceMs = durationMs(sig.tolerance);
      }
      const authentication = event.webhook.authentication;
      if (authentication !== undefined) webhook.authentication = authentication as NonNullable<typeof webhook.authentication>;
      definition.webhook = webhook;
    }
    if (event.polling !== undefined) {
      const p = event.polling;
      definition.polling = { operation: p.operation, intervalMs: durationMs(p.interval), cursor: p.cursor };
      if (p.cursorParam !== undefined) definition.polling.cursorParam = p.cursorParam;
    }
    events[eventName] = definition;
  }
  const system: LoweredSystem = {
    name,
    role: spec.role,
    baseUrl: spec.baseUrl,
    auth: spec.auth as LoweredSystem["auth"],
    operations,
    events,
  };
  if (spec.quotas !== undefined) {
    const q = spec.quotas;
    system.quotas = { requestsPerMinute: q.requestsPerMinute };
    if (q.burst !== undefined) system.quotas.burst = q.burst;
    if (q.concurrency !== undefined) system.quotas.concurrency = q.concurrency;
    if (q.requestsPerDay !== undefined) system.quotas.requestsPerDay = q.requestsPerDay;
  }
  if (spec.timeout !== undefined) system.timeoutMs = durationMs(spec.timeout);
  return system;
}

interface RouteContext {
  route: string;
  transforms: Readonly<Record<string, MappingRef>>;
  validators: Readonly<Record<string, EntityValidatorRef>>;
  /** Each entity's identity fields. */
  identities: ReadonlyMap<string, readonly string[]>;
}

function expression(cx: RouteContext, at: string, source: string): ExpressionRef {
  return loweredRef("expression", { name: `${cx.route}#${at}`, route: cx.route, at, source });
}

function withWhen<T extends object>(base: T, when: ExpressionRef | undefined): T & { when?: ExpressionRef } {
  return when === undefined ? base : { ...base, when };
}

function condition(cx: RouteContext, at: string, source: string | undefined): ExpressionRef | undefined {
  return source === undefined ? undefined : expression(cx, at, source);
}

/** What each step kind's lowering works with, for one route. */
function stepLowering(cx: RouteContext): StepLowering {
  return {
    route: cx.route,
    expression: (at, source) => expression(cx, at, source),
    condition: (at, source) => condition(cx, at, source),
    mapping(name) {
      const ref = cx.transforms[name];
      if (ref === undefined) throw new Error(`route ${cx.route}: no mapping ${name}`);
      return ref;
    },
    validator(entity) {
      const ref = cx.validators[entity];
      if (ref === undefined) throw new Error(`route ${cx.route}: no entity ${entity}`);
      return ref;
    },
    identity(entity) {
      const identity = cx.identities.get(entity);
      if (identity === undefined) throw new Error(`route ${cx.route}: no entity ${entity}`);
      return identity;
    },
    steps: (steps, prefix) => lowerSteps(cx, steps, prefix),
  };
}

/** Lowers each step through its kind's compiler half; a step's default id is its position under `prefix`. */
function lowerSteps(cx: RouteContext, steps: readonly Step[], prefix: string): LoweredStep[] {
  const lowering = stepLowering(cx);
  return steps.map((step, index): LoweredStep => {
    const id = step.id ?? `${prefix}step-${index + 1}`;
    const base = withWhen({ id }, condition(cx, `${id}.when`, step.when));
    const [declared] = declaredKinds(step);
    if (declared === undefined) throw new Error(`route ${cx.route}: step ${id} has no action`);
    return { ...base, kind: declared.compiler.kind, ...declared.compiler.lower(lowering, declared.spec, id) } as LoweredStep;
  });
}

function lowerTrigger(cx: RouteContext, spec: RouteSpec): PipelineTrigger<LoweredTransform> {
  const t = spec.trigger;
  const when = condition(cx, "trigger.when", t.when);
  if (t.event !== undefined) {
    const [system, event] = t.event.split(".") as [string, string];
    return withWhen({ kind: "event" as const, system, event }, when);
  }
  if (t.canonical !== undefined) return withWhen({ kind: "canonical" as const, event: t.canonical }, when);
  return { kind: "schedule", cron: t.schedule ?? "* * * * *" };
}

/** A route's versioned record as the runtime reads it: identity, version and the event that voids it. */
function lowerVersioning(v: NonNullable<RouteSpec["versioning"]>): NonNullable<PipelineDefinition["versioning"]> {
  if (v.void === undefined) return { identity: v.identity, version: v.version };
  const [system, event] = v.void.event.split(".") as [string, string];
  return { identity: v.identity, version: v.version, void: { system, event } };
}

/** A route's measures as the runtime reads them; the checker made sure each has one kind. */
function lowerMeasures(measures: NonNullable<RouteSpec["measures"]>): MeasureDefinition[] {
  return Object.entries(measures).map(([name, m]): MeasureDefinition => {
    const kind = m.latency !== undefined ? "latency" : m.pending !== undefined ? "pending" : "exceptions";
    const step = m.latency?.to ?? m.pending?.step;
    const objective =
      m.objective === undefined ? {} : typeof m.objective === "string" ? { objectiveMs: durationMs(m.objective) } : { objectiveCount: m.objective };
    return {
      name,
      description: m.description,
      kind,
      ...(step === undefined ? {} : { step }),
      ...(m.exceptions?.reason === undefined ? {} : { reason: m.exceptions.reason }),
      ...objective,
    };
  });
}

function lowerPolicies(spec: RouteSpec): PipelinePolicies {
  const p = spec.policies ?? {};
  const out: PipelinePolicies = {};
  if (p.retry !== undefined) {
    out.retry = {
      maxAttempts: p.retry.maxAttempts,
      backoff: p.retry.backoff,
      initialDelayMs: durationMs(p.retry.initialDelay),
      maxDelayMs: durationMs(p.retry.maxDelay),
      jitter: p.retry.jitter ?? "full",
    };
  }
  if (p.timeout !== undefined) out.timeoutMs = durationMs(p.timeout);
  if (p.circuitBreaker !== undefined) {
    const b = p.circuitBreaker;
    out.circuitBreaker = { failureThreshold: b.failureThreshold, resetAfterMs: durationMs(b.resetAfter), halfOpenProbes: b.halfOpenProbes };
  }
  if (p.deadLetter !== undefined) out.deadLetterQueue = p.deadLetter.queue;
  if (p.exceptions !== undefined) {
    out.exceptions = { queue: p.exceptions.queue, owner: p.exceptions.owner };
    if (p.exceptions.sla !== undefined) out.exceptions.slaMs = durationMs(p.exceptions.sla);
  }
  return out;
}

/**
 * Lowers a spec set that loaded without errors; `root` is the project root, against which each
 * route's `source` is written. Systems, routes, mappings and entities come in name order, so the
 * result depends only on the spec set. An unresolved name here is an internal error.
 */
export function lowerSpecSet(set: SpecSet, root: string): LoweredSpecSet {
  const validators: Record<string, EntityValidatorRef> = {};
  for (const [name, entity] of sortedNames(set.entities)) validators[name] = loweredRef("entity", { entity: name, schema: entityJsonSchema(entity.value.spec) });
  const transforms: Record<string, MappingRef> = {};
  for (const [name, mapping] of sortedNames(set.mappings)) transforms[name] = loweredRef("mapping", { mapping: name, source: mapping.value.spec.expression });
  const systems: Record<string, LoweredSystem> = {};
  for (const [name, system] of sortedNames(set.systems)) systems[name] = lowerSystem(name, system.value.spec, (entity) => set.entities.get(entity)?.value.spec.identity ?? []);
  const pipelines: LoweredPipeline[] = [];
  const identities = new Map([...set.entities].map(([name, entity]) => [name, entity.value.spec.identity] as const));
  for (const [name, route] of sortedNames(set.routes)) {
    const spec = route.value.spec;
    const cx: RouteContext = { route: name, transforms, validators, identities };
    const pipeline: LoweredPipeline = {
      route: name,
      version: route.value.metadata.version ?? "0.0.0",
      source: specPathOf(root, route.source.file.path),
      trigger: lowerTrigger(cx, spec),
      idempotencyKey: spec.idempotencyKey ?? [],
      ...(spec.orderingKey !== undefined ? { orderingKey: spec.orderingKey } : {}),
      ...(spec.versioning !== undefined ? { versioning: lowerVersioning(spec.versioning) } : {}),
      steps: lowerSteps(cx, spec.steps, ""),
      policies: lowerPolicies(spec),
      ...(spec.sla !== undefined ? { slaMs: durationMs(spec.sla.within) } : {}),
      ...(spec.guard !== undefined ? { ignoreOrigin: spec.guard.ignoreOrigin } : {}),
      ...(spec.measures !== undefined ? { measures: lowerMeasures(spec.measures) } : {}),
    };
    pipelines.push(pipeline);
  }
  const reconciliations = sortedNames(set.reconciliations).map(([name, doc]) => ({ name, source: doc.source.file.path, spec: doc.value.spec }));
  return { compilerVersion: PACKAGE_VERSION, systems, pipelines, transforms, validators, reconciliations };
}
