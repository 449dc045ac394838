/**
 * Route documents: the trigger, the keys (field paths into the trigger's payload), and every
 * step's references through its kind's compiler half (src/steps/<kind>/compile.ts). The JSONata
 * each step holds is checked against the record at that step (check-conditions.ts).
 */
import { STEP_ACTIONS, type Step } from "../../model/index.ts";
import type { ProvidedLookup, StepCheck } from "../../steps/compile-kind.ts";
import { declaredKinds } from "../../steps/compile-registry.ts";
import { diagnostic } from "../diagnostics/diagnostic.ts";
import type { PathSegment } from "../parse/document.ts";
import { checkStepExpressions, checkTriggerCondition } from "./check-conditions.ts";
import { checkMappingInput } from "./check-mapping-input.ts";
import { checkMeasures } from "./check-measures.ts";
import { checkSchedule } from "./check-schedule.ts";
import { type CheckContext, expectFieldPath, expectName } from "./report.ts";
import { walkRouteSteps } from "./route-records.ts";
import { type BoundDocument, forEachStep, triggerShape } from "./spec-set.ts";
import { checkVersioning } from "./check-versioning.ts";

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

/** The reference checks every step kind shares, for one route. */
function stepCheck(cx: CheckContext, doc: BoundDocument<"Route">): StepCheck {
  const set = cx.set;
  return {
    cx,
    doc,
    entity: (at, name) => expectName(cx, doc, at, "entity", name, set.entities.keys(), { kind: "Entity" }),
    system: (at, name) => expectName(cx, doc, at, "system", name, set.systems.keys(), { kind: "System" }),
    mapping: (at, name) => expectName(cx, doc, at, "mapping", name, set.mappings.keys(), { kind: "Mapping" }),
    operation(at, qualified) {
      const found = checkQualified(cx, doc, at, qualified, "operations");
      return found === undefined ? undefined : { system: found.system.name, operation: found.name };
    },
  };
}

/** Checks that a step declares exactly one kind, and the names each kind it declares references. */
function checkStep(check: StepCheck, step: Step, path: PathSegment[]): void {
  const declared = declaredKinds(step);
  if (declared.length !== 1) {
    check.cx.report(diagnostic("step-action", { count: declared.length, actions: STEP_ACTIONS.join(", ") }, check.doc.source.locate(path)));
  }
  for (const { compiler, spec } of declared) compiler.checkReferences?.(check, spec, path);
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
  checkVersioning(cx, doc, shape);
  spec.guard?.ignoreOrigin.forEach((s, i) =>
    expectName(cx, doc, ["spec", "guard", "ignoreOrigin", i], "system", s, cx.set.systems.keys(), { kind: "System" }),
  );
  const check = stepCheck(cx, doc);
  forEachStep(doc, (step, path) => checkStep(check, step as Step, path));
  checkLookupsProvided(check, spec.steps, ["spec", "steps"], new Map());
  walkRouteSteps(cx, doc, (step, at, scope) => {
    checkStepExpressions(check, step, at, scope);
    checkMappingInput(cx, doc, step, at, scope);
  });
  checkMeasures(cx, doc);
}

/**
 * A mapping's lookups are bound from the route's earlier `enrich` steps by name: each lookup a
 * mapping reads must be provided by an enrich before it, of the same entity (and systems, for
 * cross-references). Nested steps (a branch's) see what was provided before them.
 */
function checkLookupsProvided(check: StepCheck, steps: readonly Step[], path: PathSegment[], provided: Map<string, ProvidedLookup>): void {
  steps.forEach((step, index) => {
    const here = [...path, index];
    const declared = declaredKinds(step);
    for (const { compiler, spec } of declared) {
      const lookup = compiler.lookupProvided?.(spec);
      if (lookup !== undefined) provided.set(lookup.as, lookup);
    }
    for (const { compiler, spec } of declared) {
      for (const [at, name] of compiler.mappingsApplied?.(spec, here) ?? []) checkMappingLookups(check, at, name, provided);
    }
    for (const { compiler, spec } of declared) {
      for (const nested of compiler.nestedSteps?.(spec, here) ?? []) checkLookupsProvided(check, nested.steps, nested.at, new Map(provided));
    }
  });
}

/** Reports each lookup the mapping `name` reads that no earlier step provides as it wants. */
function checkMappingLookups(check: StepCheck, at: PathSegment[], name: string, provided: ReadonlyMap<string, ProvidedLookup>): void {
  const mapping = check.cx.set.mappings.get(name);
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
    if (detail !== undefined) check.cx.report(diagnostic("missing-lookup", { mapping: name, lookup, detail }, check.doc.source.locate(at)));
  }
}
