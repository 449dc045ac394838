/**
 * `definitionsFromSpecSet`: the compiled form of a loaded spec set, built at run time. It yields
 * the same values `spec compile` emits as modules, so `spec run` can host a spec set directly.
 */
import type { SpecSet } from "../compiler/check/spec-set.ts";
import type { JsonSchema, RouteSpec, Step, SystemSpec } from "../model/index.ts";
import { compileTransform } from "./expression.ts";
import {
  type CompiledSpecSet,
  durationMs,
  type EventDefinition,
  type OperationDefinition,
  type PipelineDefinition,
  type PipelinePolicies,
  type PipelineStep,
  type PipelineTrigger,
  type SystemDefinition,
  type Transform,
  type Validator,
} from "./pipeline.ts";
import { compileValidator, entityJsonSchema } from "./validators.ts";

function systemDefinition(name: string, spec: SystemSpec): SystemDefinition {
  const schemas = (spec.schemas ?? {}) as Record<string, JsonSchema>;
  const operations: Record<string, OperationDefinition> = {};
  for (const [opName, op] of Object.entries(spec.operations ?? {})) {
    const idem = op.idempotency;
    const idempotency: OperationDefinition["idempotency"] =
      idem?.mechanism === "key-header"
        ? { mechanism: "key-header", header: idem.header ?? "Idempotency-Key" }
        : idem?.mechanism === "upsert"
          ? { mechanism: "upsert", externalIdField: idem.externalIdField ?? "externalId" }
          : { mechanism: "none" };
    const definition: OperationDefinition = {
      name: opName,
      method: op.method as OperationDefinition["method"],
      path: op.path,
      effect: op.effect as OperationDefinition["effect"],
      encoding: op.encoding ?? "json",
      idempotency,
    };
    if (op.timeout !== undefined) definition.timeoutMs = durationMs(op.timeout);
    if (op.entity !== undefined) definition.entity = op.entity;
    const request = op.request === undefined ? undefined : schemas[op.request];
    if (request !== undefined) definition.requestValidator = compileValidator(request, schemas);
    operations[opName] = definition;
  }
  const events: Record<string, EventDefinition> = {};
  for (const [eventName, event] of Object.entries(spec.events ?? {})) {
    const definition: EventDefinition = { name: eventName, delivery: event.delivery };
    if (event.entity !== undefined) definition.entity = event.entity;
    const payload = schemas[event.payload];
    if (payload !== undefined) definition.payloadValidator = compileValidator(payload, schemas);
    if (event.webhook !== undefined) {
      const webhook: NonNullable<EventDefinition["webhook"]> = { path: event.webhook.path };
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
  const system: SystemDefinition = {
    name,
    role: spec.role,
    baseUrl: spec.baseUrl,
    auth: spec.auth as SystemDefinition["auth"],
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

interface Context {
  route: string;
  transforms: Record<string, Transform>;
  validators: Record<string, Validator>;
}

function condition(cx: Context, where: string, source: string | undefined): Transform | undefined {
  return source === undefined ? undefined : compileTransform(`${cx.route}#${where}`, source);
}

/** A deliver step's path parameters, each compiled as `<route>#<step>.params.<name>`. */
function paramTransforms(cx: Context, id: string, params: Readonly<Record<string, string>>): Record<string, Transform> {
  const compiled: Record<string, Transform> = {};
  for (const [name, source] of Object.entries(params)) compiled[name] = compileTransform(`${cx.route}#${id}.params.${name}`, source);
  return compiled;
}

function pipelineSteps(cx: Context, steps: readonly Step[], prefix: string): PipelineStep[] {
  return steps.map((step, index) => {
    const id = step.id ?? `${prefix}step-${index + 1}`;
    const when = condition(cx, `${id}.when`, step.when);
    const base = when === undefined ? { id } : { id, when };
    if (step.validate !== undefined) {
      const validator = cx.validators[step.validate];
      if (validator === undefined) throw new Error(`route ${cx.route}: no entity ${step.validate}`);
      return { ...base, kind: "validate", entity: step.validate, validator };
    }
    if (step.map !== undefined) {
      const transform = cx.transforms[step.map];
      if (transform === undefined) throw new Error(`route ${cx.route}: no mapping ${step.map}`);
      return { ...base, kind: "map", mapping: step.map, transform };
    }
    if (step.enrich !== undefined) {
      const e = step.enrich;
      return {
        ...base,
        kind: "enrich",
        lookup: e.lookup,
        entity: e.entity,
        key: e.key,
        as: e.as,
        ...(e.from !== undefined ? { from: e.from } : {}),
        ...(e.to !== undefined ? { to: e.to } : {}),
      };
    }
    if (step.classify !== undefined) {
      const c = step.classify;
      const rules = c.rules.map((rule, r) => ({ when: compileTransform(`${cx.route}#${id}.rules[${r}]`, rule.when), value: rule.value }));
      return { ...base, kind: "classify", as: c.as, rules, otherwise: c.otherwise };
    }
    if (step.branch !== undefined) {
      const branches = step.branch.map((branch, b) => {
        const steps = pipelineSteps(cx, branch.steps as Step[], `${id}.branch-${b + 1}.`);
        const branchWhen = condition(cx, `${id}.branch-${b + 1}.when`, branch.when);
        return branchWhen === undefined ? { steps } : { when: branchWhen, steps };
      });
      return { ...base, kind: "branch", branches };
    }
    if (step.require !== undefined) {
      const r = step.require;
      return { ...base, kind: "require", entity: r.entity, system: r.system, key: r.key, ...(r.wait ? { waitMs: durationMs(r.wait) } : {}) };
    }
    if (step.deliver !== undefined) {
      const [system, operation] = step.deliver.operation.split(".") as [string, string];
      const { mapping, params } = step.deliver;
      const transform = mapping === undefined ? undefined : cx.transforms[mapping];
      if (mapping !== undefined && transform === undefined) throw new Error(`route ${cx.route}: no mapping ${mapping}`);
      return {
        ...base,
        kind: "deliver",
        system,
        operation,
        ...(mapping !== undefined && transform !== undefined ? { mapping, transform } : {}),
        ...(params !== undefined ? { params: paramTransforms(cx, id, params) } : {}),
      };
    }
    if (step.emit !== undefined) {
      return { ...base, kind: "emit", event: step.emit.event, ...(step.emit.entity ? { entity: step.emit.entity } : {}) };
    }
    throw new Error(`route ${cx.route}: step ${id} has no action`);
  });
}

function trigger(cx: Context, spec: RouteSpec): PipelineTrigger {
  const when = condition(cx, "trigger.when", spec.trigger.when);
  const extra = when === undefined ? {} : { when };
  if (spec.trigger.event !== undefined) {
    const [system, event] = spec.trigger.event.split(".") as [string, string];
    return { kind: "event", system, event, ...extra };
  }
  if (spec.trigger.canonical !== undefined) return { kind: "canonical", event: spec.trigger.canonical, ...extra };
  return { kind: "schedule", cron: spec.trigger.schedule ?? "* * * * *" };
}

function policies(spec: RouteSpec): PipelinePolicies {
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
 * Builds the compiled spec set (systems, pipelines, transforms, validators) from a bound spec set.
 * The set must have loaded without errors; an unresolved name here is an internal error.
 */
export function definitionsFromSpecSet(set: SpecSet): CompiledSpecSet {
  const validators: Record<string, Validator> = {};
  for (const [name, entity] of set.entities) validators[name] = compileValidator(entityJsonSchema(entity.value.spec));
  const transforms: Record<string, Transform> = {};
  for (const [name, mapping] of set.mappings) transforms[name] = compileTransform(name, mapping.value.spec.expression);
  const systems: Record<string, SystemDefinition> = {};
  for (const [name, system] of set.systems) systems[name] = systemDefinition(name, system.value.spec);
  const pipelines: PipelineDefinition[] = [];
  for (const [name, route] of set.routes) {
    const spec = route.value.spec;
    const cx: Context = { route: name, transforms, validators };
    const pipeline: PipelineDefinition = {
      route: name,
      version: route.value.metadata.version ?? "0.0.0",
      source: route.source.file.path,
      trigger: trigger(cx, spec),
      idempotencyKey: spec.idempotencyKey ?? [],
      steps: pipelineSteps(cx, spec.steps, ""),
      policies: policies(spec),
    };
    if (spec.orderingKey !== undefined) pipeline.orderingKey = spec.orderingKey;
    if (spec.sla !== undefined) pipeline.slaMs = durationMs(spec.sla.within);
    if (spec.guard !== undefined) pipeline.ignoreOrigin = spec.guard.ignoreOrigin;
    pipelines.push(pipeline);
  }
  return { systems, pipelines, transforms, validators };
}
