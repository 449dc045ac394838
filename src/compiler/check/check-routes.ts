/**
 * Route documents: the trigger, the keys (field paths into the trigger's payload), and every
 * step's references, including that a delivery's mapping builds that operation's request. The
 * JSONata each step holds is checked against the record at that step: conditions in
 * check-conditions.ts, path parameters in check-deliver-params.ts.
 */
import { STEP_ACTIONS } from "../../model/index.ts";
import { diagnostic } from "../diagnostics/diagnostic.ts";
import type { PathSegment } from "../parse/document.ts";
import { checkStepConditions, checkTriggerCondition } from "./check-conditions.ts";
import { checkDeliverParams } from "./check-deliver-params.ts";
import { checkMeasures } from "./check-measures.ts";
import { checkSchedule } from "./check-schedule.ts";
import { type CheckContext, expectFieldPath, expectName } from "./report.ts";
import { walkRouteSteps } from "./route-records.ts";
import { type BoundDocument, forEachStep, triggerShape } from "./spec-set.ts";

function checkQualified(cx: CheckContext, doc: BoundDocument, path: PathSegment[], qualified: string, member: "events" | "operations") {
  const [systemName, name] = qualified.split(".") as [string, string];
  const system = cx.set.systems.get(systemName);
  if (system === undefined) {
    expectName(cx, doc, path, "system", systemName, cx.set.systems.keys(), { kind: "System" });
    return undefined;
  }
  const members = system.value.spec[member] ?? {};
  const qualifiedNames = Object.keys(members).map((m) => `${systemName}.${m}`);
  if (!expectName(cx, doc, path, member === "events" ? "event" : "operation", qualified, qualifiedNames)) return undefined;
  return { system, name };
}

function checkStep(cx: CheckContext, doc: BoundDocument<"Route">, step: Record<string, unknown>, path: PathSegment[]): void {
  const actions = STEP_ACTIONS.filter((a) => step[a] !== undefined);
  if (actions.length !== 1) {
    cx.report(diagnostic("step-action", { count: actions.length, actions: STEP_ACTIONS.join(", ") }, doc.source.locate(path)));
  }
  const set = cx.set;
  const entity = (at: PathSegment[], name: string) => expectName(cx, doc, at, "entity", name, set.entities.keys(), { kind: "Entity" });
  const system = (at: PathSegment[], name: string) => expectName(cx, doc, at, "system", name, set.systems.keys(), { kind: "System" });
  if (typeof step["validate"] === "string") entity([...path, "validate"], step["validate"]);
  if (typeof step["map"] === "string") expectName(cx, doc, [...path, "map"], "mapping", step["map"], set.mappings.keys(), { kind: "Mapping" });
  const enrich = step["enrich"] as { entity: string; from?: string; to?: string } | undefined;
  if (enrich !== undefined) {
    entity([...path, "enrich", "entity"], enrich.entity);
    if (enrich.from !== undefined) system([...path, "enrich", "from"], enrich.from);
    if (enrich.to !== undefined) system([...path, "enrich", "to"], enrich.to);
  }
  const require = step["require"] as { entity: string; system: string } | undefined;
  if (require !== undefined) {
    entity([...path, "require", "entity"], require.entity);
    system([...path, "require", "system"], require.system);
  }
  const emit = step["emit"] as { entity?: string } | undefined;
  if (emit?.entity !== undefined) entity([...path, "emit", "entity"], emit.entity);
  const deliver = step["deliver"] as { operation: string; mapping?: string } | undefined;
  if (deliver === undefined) return;
  const target = checkQualified(cx, doc, [...path, "deliver", "operation"], deliver.operation, "operations");
  if (deliver.mapping === undefined) return;
  if (!expectName(cx, doc, [...path, "deliver", "mapping"], "mapping", deliver.mapping, set.mappings.keys(), { kind: "Mapping" })) return;
  const mapping = set.mappings.get(deliver.mapping);
  const request = target?.system.value.spec.operations?.[target.name]?.request;
  if (mapping === undefined || target === undefined || request === undefined) return;
  const produced = mapping.value.spec.target;
  const resolves =
    produced.entity !== undefined
      ? set.entities.has(produced.entity)
      : set.systems.get(produced.system ?? "")?.value.spec.schemas?.[produced.schema ?? ""] !== undefined;
  // A mapping whose own target does not resolve is reported there; say nothing twice.
  if (resolves && (produced.system !== target.system.name || produced.schema !== request)) {
    const makes = produced.entity !== undefined ? `entity ${produced.entity}` : `${produced.system} schema ${produced.schema}`;
    cx.report(
      diagnostic(
        "mapping-mismatch",
        {
          detail: `mapping '${mapping.name}' produces ${makes}, but ${deliver.operation} takes ${target.system.name} schema ${request}`,
        },
        doc.source.locate([...path, "deliver", "mapping"]),
      ),
    );
  }
}

/** Checks one Route document. */
export function checkRoute(cx: CheckContext, doc: BoundDocument<"Route">): void {
  const spec = doc.value.spec;
  const trigger = spec.trigger;
  const kinds = (["event", "canonical", "schedule"] as const).filter((k) => trigger[k] !== undefined);
  if (kinds.length !== 1) cx.report(diagnostic("trigger-kind", { count: kinds.length }, doc.source.locate(["spec", "trigger"])));
  if (trigger.event !== undefined) checkQualified(cx, doc, ["spec", "trigger", "event"], trigger.event, "events");
  if (trigger.canonical !== undefined) {
    expectName(cx, doc, ["spec", "trigger", "canonical"], "canonical event", trigger.canonical, cx.set.canonicalEvents.keys(), {
      scope: "the events routes emit",
    });
  }
  checkSchedule(cx, doc, ["spec", "trigger", "schedule"], trigger.schedule);
  checkTriggerCondition(cx, doc);
  const shape = triggerShape(cx.set, doc);
  for (const key of ["idempotencyKey", "orderingKey"] as const) {
    spec[key]?.forEach((path, i) => expectFieldPath(cx, doc, ["spec", key, i], path, shape));
  }
  spec.guard?.ignoreOrigin.forEach((s, i) =>
    expectName(cx, doc, ["spec", "guard", "ignoreOrigin", i], "system", s, cx.set.systems.keys(), { kind: "System" }),
  );
  forEachStep(doc, (step, path) => checkStep(cx, doc, step, path));
  checkLookupsProvided(cx, doc, spec.steps as readonly Record<string, unknown>[], ["spec", "steps"], new Map());
  walkRouteSteps(cx, doc, (step, at, scope) => {
    checkStepConditions(cx, doc, step, at, scope);
    if (step.deliver !== undefined) checkDeliverParams(cx, doc, step.deliver, at, scope);
  });
  checkMeasures(cx, doc);
}

type Enrich = { entity: string; from?: string; to?: string };

/**
 * A mapping's lookups are bound from the route's earlier `enrich` steps by name: each lookup a
 * mapping reads must be provided by an enrich before it, of the same entity (and systems, for
 * cross-references). Branches see what was enriched before them.
 */
function checkLookupsProvided(
  cx: CheckContext,
  doc: BoundDocument<"Route">,
  steps: readonly Record<string, unknown>[],
  path: PathSegment[],
  provided: Map<string, Enrich>,
): void {
  steps.forEach((step, index) => {
    const here = [...path, index];
    const enrich = step["enrich"] as (Enrich & { as: string }) | undefined;
    if (enrich !== undefined) provided.set(enrich.as, enrich);
    const uses: [PathSegment[], string][] = [];
    if (typeof step["map"] === "string") uses.push([[...here, "map"], step["map"]]);
    const deliver = step["deliver"] as { mapping?: string } | undefined;
    if (deliver?.mapping !== undefined) uses.push([[...here, "deliver", "mapping"], deliver.mapping]);
    for (const [at, name] of uses) {
      const mapping = cx.set.mappings.get(name);
      for (const [lookup, wanted] of Object.entries(mapping?.value.spec.lookups ?? {})) {
        const got = provided.get(lookup);
        const detail =
          got === undefined
            ? `no earlier step enriches the record 'as: ${lookup}'`
            : got.entity !== wanted.entity
              ? `the enrich step 'as: ${lookup}' looks up ${got.entity}, not ${wanted.entity}`
              : (wanted.from !== undefined && got.from !== wanted.from) || (wanted.to !== undefined && got.to !== wanted.to)
                ? `the enrich step 'as: ${lookup}' maps ids from ${got.from ?? "?"} to ${got.to ?? "?"}, not ${wanted.from ?? "?"} to ${wanted.to ?? "?"}`
                : undefined;
        if (detail !== undefined) cx.report(diagnostic("missing-lookup", { mapping: name, lookup, detail }, doc.source.locate(at)));
      }
    }
    const branches = step["branch"] as { steps: Record<string, unknown>[] }[] | undefined;
    branches?.forEach((branch, b) => checkLookupsProvided(cx, doc, branch.steps, [...here, "branch", b, "steps"], new Map(provided)));
  });
}
