/**
 * Per route: `routes/<name>.ts` exporting the `PipelineDefinition` the runtime executes: trigger,
 * keys, steps, policies and SLA. Each JSONata condition is compiled into its own
 * `<name>.when-<n>.expr.js` and each deliver step's path parameter into `<name>.param-<n>.expr.js`;
 * validators and mapping transforms are imported from their modules.
 */
import type { RouteSpec, Step } from "../../../model/index.ts";
import { durationMs } from "../../../runtime/pipeline.ts";
import type { BoundDocument } from "../../check/spec-set.ts";
import { EXPRESSION_DECLARATIONS, expressionModule } from "./expressions.ts";
import { constStatement, type EmitValue, headerLine, ref, writeNamespaceImport } from "./literals.ts";
import type { EmitPlan } from "./plan.ts";
import type { EmitProject, EmittedFile } from "./source.ts";

interface RouteContext {
  route: string;
  plan: EmitPlan;
  file: string;
  specPath: string;
  project: EmitProject;
  files: EmittedFile[];
  imports: Map<string, string>;
}

/** A namespace import of another generated module, named by order of first use. */
function importOf(cx: RouteContext, prefix: string, path: string): string {
  let alias = cx.imports.get(path);
  if (alias === undefined) {
    alias = `${prefix}${[...cx.imports.keys()].filter((k) => cx.imports.get(k)?.startsWith(prefix)).length}`;
    cx.imports.set(path, alias);
  }
  return alias;
}

/** A JSONata expression compiled into its own `<route>.<prefix>-<n>.expr.js`, as a Transform value. */
function expression(cx: RouteContext, prefix: "when" | "param", name: string, source: string): EmitValue {
  const index = [...cx.imports.values()].filter((a) => a.startsWith(prefix)).length;
  const module = `${cx.file}.${prefix}-${index}.expr`;
  const alias = importOf(cx, prefix, `./${module}.js`);
  cx.files.push({ path: `routes/${module}.js`, text: expressionModule(source, headerLine(cx.specPath)) });
  cx.files.push(cx.project.structure(`routes/${module}.d.ts`, cx.specPath, { statements: EXPRESSION_DECLARATIONS }));
  return { name: `${cx.route}#${name}`, evaluate: ref(`${alias}.evaluate`) };
}

function condition(cx: RouteContext, name: string, source: string | undefined): EmitValue {
  return source === undefined ? undefined : expression(cx, "when", name, source);
}

/** A deliver step's path parameters: one compiled expression each, by parameter name. */
function params(cx: RouteContext, id: string, sources: Readonly<Record<string, string>> | undefined): EmitValue {
  if (sources === undefined) return undefined;
  return Object.fromEntries(Object.entries(sources).map(([name, source]) => [name, expression(cx, "param", `${id}.params.${name}`, source)]));
}

function validatorOf(cx: RouteContext, entity: string): EmitValue {
  const planned = cx.plan.entities.get(entity);
  if (planned === undefined) throw new Error(`route ${cx.route}: no entity ${entity}`);
  return ref(`${importOf(cx, "entity", `../entities/${planned.file}.ts`)}.validate`);
}

function transformOf(cx: RouteContext, mapping: string): EmitValue {
  const planned = cx.plan.mappings.get(mapping);
  if (planned === undefined) throw new Error(`route ${cx.route}: no mapping ${mapping}`);
  return ref(`${importOf(cx, "mapping", `../mappings/${planned.file}.ts`)}.transform`);
}

function steps(cx: RouteContext, list: readonly Step[], prefix: string): EmitValue[] {
  return list.map((step, index) => {
    const id = step.id ?? `${prefix}step-${index + 1}`;
    const base = { id, when: condition(cx, `${id}.when`, step.when) };
    if (step.validate !== undefined) return { ...base, kind: "validate", entity: step.validate, validator: validatorOf(cx, step.validate) };
    if (step.map !== undefined) return { ...base, kind: "map", mapping: step.map, transform: transformOf(cx, step.map) };
    if (step.enrich !== undefined) {
      const e = step.enrich;
      return { ...base, kind: "enrich", lookup: e.lookup, entity: e.entity, from: e.from, to: e.to, key: e.key, as: e.as };
    }
    if (step.classify !== undefined) {
      const c = step.classify;
      const rules = c.rules.map((rule, r) => ({ when: condition(cx, `${id}.rules[${r}]`, rule.when), value: rule.value }));
      return { ...base, kind: "classify", as: c.as, rules, otherwise: c.otherwise };
    }
    if (step.branch !== undefined) {
      const branches = step.branch.map((branch, b) => {
        const inner = steps(cx, branch.steps as Step[], `${id}.branch-${b + 1}.`);
        return { when: condition(cx, `${id}.branch-${b + 1}.when`, branch.when), steps: inner };
      });
      return { ...base, kind: "branch", branches };
    }
    if (step.require !== undefined) {
      const r = step.require;
      return { ...base, kind: "require", entity: r.entity, system: r.system, key: r.key, waitMs: r.wait === undefined ? undefined : durationMs(r.wait) };
    }
    if (step.deliver !== undefined) {
      const [system, operation] = step.deliver.operation.split(".") as [string, string];
      const mapping = step.deliver.mapping;
      const transform = mapping === undefined ? undefined : transformOf(cx, mapping);
      return { ...base, kind: "deliver", system, operation, mapping, transform, params: params(cx, id, step.deliver.params) };
    }
    if (step.emit !== undefined) return { ...base, kind: "emit", event: step.emit.event, entity: step.emit.entity };
    throw new Error(`route ${cx.route}: step ${id} has no action`);
  });
}

function trigger(cx: RouteContext, spec: RouteSpec): EmitValue {
  const t = spec.trigger;
  if (t.event !== undefined) {
    const [system, event] = t.event.split(".") as [string, string];
    return { kind: "event", system, event, when: condition(cx, "trigger.when", t.when) };
  }
  if (t.canonical !== undefined) return { kind: "canonical", event: t.canonical, when: condition(cx, "trigger.when", t.when) };
  return { kind: "schedule", cron: t.schedule ?? "* * * * *" };
}

function policies(spec: RouteSpec): EmitValue {
  const p = spec.policies ?? {};
  return {
    retry:
      p.retry === undefined
        ? undefined
        : {
            maxAttempts: p.retry.maxAttempts,
            backoff: p.retry.backoff,
            initialDelayMs: durationMs(p.retry.initialDelay),
            maxDelayMs: durationMs(p.retry.maxDelay),
            jitter: p.retry.jitter ?? "full",
          },
    timeoutMs: p.timeout === undefined ? undefined : durationMs(p.timeout),
    circuitBreaker:
      p.circuitBreaker === undefined
        ? undefined
        : {
            failureThreshold: p.circuitBreaker.failureThreshold,
            resetAfterMs: durationMs(p.circuitBreaker.resetAfter),
            halfOpenProbes: p.circuitBreaker.halfOpenProbes,
          },
    deadLetterQueue: p.deadLetter?.queue,
    exceptions:
      p.exceptions === undefined
        ? undefined
        : { queue: p.exceptions.queue, owner: p.exceptions.owner, slaMs: p.exceptions.sla === undefined ? undefined : durationMs(p.exceptions.sla) },
  };
}

/** Emits the files of one route. */
export function routeFiles(project: EmitProject, plan: EmitPlan, route: BoundDocument<"Route">): EmittedFile[] {
  const planned = plan.routes.get(route.name);
  if (planned === undefined) throw new Error(`route ${route.name} is not planned`);
  const cx: RouteContext = { route: route.name, plan, file: planned.file, specPath: planned.specPath, project, files: [], imports: new Map() };
  const spec = route.value.spec;
  const value: EmitValue = {
    route: route.name,
    version: route.value.metadata.version ?? "0.0.0",
    source: planned.specPath,
    trigger: trigger(cx, spec),
    idempotencyKey: spec.idempotencyKey ?? [],
    orderingKey: spec.orderingKey,
    steps: steps(cx, spec.steps, ""),
    policies: policies(spec),
    slaMs: spec.sla === undefined ? undefined : durationMs(spec.sla.within),
    ignoreOrigin: spec.guard?.ignoreOrigin,
  };
  const module = project.written(`routes/${planned.file}.ts`, planned.specPath, (writer) => {
    writeNamespaceImport(writer, "rt", "syncspec/runtime", true);
    for (const [path, alias] of cx.imports) writeNamespaceImport(writer, alias, path);
    writer.blankLine();
    constStatement("pipeline", "rt.PipelineDefinition", value, "The route as the runtime executes it.")(writer);
    writer.newLine();
  });
  return [module, ...cx.files];
}
