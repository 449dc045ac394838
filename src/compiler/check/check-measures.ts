/**
 * A route's business measures: each declares one kind, reads a step of its own route that
 * delivers, and states an objective of the right sort (a duration for a latency, a count for the
 * others). Every finding is located at the key that is wrong.
 */
import { STEP_ACTIONS } from "../../model/index.ts";
import type { Measure } from "../../model/route.ts";
import { diagnostic } from "../diagnostics/diagnostic.ts";
import { type CheckContext, expectName } from "./report.ts";
import type { BoundDocument } from "./spec-set.ts";

type RouteStep = { id?: string; branch?: { steps: RouteStep[] }[] } & Record<string, unknown>;

/** The step ids of a route as the lowering names them, with the action each step takes. */
export function stepIds(steps: readonly RouteStep[], prefix = ""): Map<string, string> {
  const ids = new Map<string, string>();
  steps.forEach((step, index) => {
    const id = step.id ?? `${prefix}step-${index + 1}`;
    ids.set(id, Object.keys(step).find((key) => (STEP_ACTIONS as readonly string[]).includes(key)) ?? "unknown");
    step.branch?.forEach((branch, b) => {
      for (const [inner, kind] of stepIds(branch.steps, `${id}.branch-${b + 1}.`)) ids.set(inner, kind);
    });
  });
  return ids;
}

const KINDS = ["latency", "pending", "exceptions"] as const;

/** Checks the measures of one Route document. */
export function checkMeasures(cx: CheckContext, doc: BoundDocument<"Route">): void {
  const measures = doc.value.spec.measures;
  if (measures === undefined) return;
  const steps = stepIds(doc.value.spec.steps as readonly RouteStep[]);
  for (const [name, measure] of Object.entries(measures)) {
    const at = ["spec", "measures", name];
    const kinds = KINDS.filter((k) => measure[k] !== undefined);
    if (kinds.length !== 1) {
      cx.report(diagnostic("measure-kind", { measure: name, count: kinds.length }, doc.source.locate(at, "key")));
      continue;
    }
    const step = measure.latency?.to ?? measure.pending?.step;
    if (step !== undefined) {
      const path = measure.latency !== undefined ? [...at, "latency", "to"] : [...at, "pending", "step"];
      if (expectName(cx, doc, path, "step", step, steps.keys(), { scope: `route ${doc.name}` })) {
        const kind = steps.get(step) as string;
        if (kind !== "deliver") cx.report(diagnostic("measure-step", { measure: name, step, kind }, doc.source.locate(path)));
      }
    }
    checkObjective(cx, doc, name, measure);
  }
}

function checkObjective(cx: CheckContext, doc: BoundDocument<"Route">, name: string, measure: Measure): void {
  const objective = measure.objective;
  if (objective === undefined) return;
  const wanted = measure.latency !== undefined ? typeof objective === "string" : typeof objective === "number";
  if (!wanted) {
    const expected = measure.latency !== undefined ? "a duration such as 2d, for a latency" : "a whole number, for a count";
    cx.report(diagnostic("measure-objective", { measure: name, objective: String(objective), expected }, doc.source.locate(["spec", "measures", name, "objective"])));
  }
}
