/**
 * One route as a flowchart, top down: its trigger, each step in order (a branch fans out to its
 * ways and joins again), the system operation each delivery calls, the events it emits and the
 * dependencies it waits for. `spec graph --route` prints it and `spec docs` draws one per route.
 * What a step draws comes from its kind's compiler half (`describe` and `diagram`), so a new kind
 * appears here without an edit.
 */
import type { Step } from "../../../model/index.ts";
import type { StepDiagram } from "../../../steps/compile-kind.ts";
import { declaredKinds } from "../../../steps/compile-registry.ts";
import type { BoundDocument } from "../../check/spec-set.ts";
import { type Graph, graphBuilder, stepDiagram } from "./graph.ts";

/** The step's sentence, as its kind's compiler half writes it. */
export function stepAction(step: Step): string {
  const [declared] = declaredKinds(step);
  return declared === undefined ? "no action" : declared.compiler.describe(declared.spec);
}

/** Long conditions are cut so that a node stays readable; the docs show them in full beside it. */
function short(text: string, max = 48): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}

type Builder = ReturnType<typeof graphBuilder>;
type Tail = { id: string; label: string };

/** Draws what the step's node connects to; returns the nodes the flow leaves it from. */
function connect(g: Builder, node: string, diagram: StepDiagram, number: string): Tail[] {
  if (diagram.calls !== undefined) g.edge(node, g.node("system", diagram.calls.system), diagram.calls.operation, true);
  if (diagram.emits !== undefined) g.edge(node, g.node("event", diagram.emits), "emits", true);
  if (diagram.waitsFor !== undefined) g.edge(g.node("system", diagram.waitsFor.system), node, `has ${diagram.waitsFor.entity}?`, true);
  if (diagram.ways === undefined) return [{ id: node, label: "" }];
  const tails = diagram.ways.flatMap((way, w) => {
    const entry = [{ id: node, label: way.when === undefined ? "otherwise" : short(way.when, 40) }];
    return way.steps.length === 0 ? entry : addSteps(g, way.steps, entry, `${number}.${w + 1}.`);
  });
  // With no otherwise way, an event no condition holds for goes straight on.
  if (diagram.ways.every((way) => way.when !== undefined)) tails.push({ id: node, label: "otherwise" });
  return tails;
}

/**
 * Adds `steps` after the nodes in `from` (each edge labelled as given); returns the nodes the flow
 * leaves from. A step without an id is numbered as the docs number it: `4`, and `4.1.2` for the
 * second step of the first way of step 4's branch.
 */
function addSteps(g: Builder, steps: readonly Step[], from: readonly Tail[], prefix = ""): Tail[] {
  let tails = [...from];
  steps.forEach((step, index) => {
    const number = `${prefix}${index + 1}`;
    const diagram = stepDiagram(step);
    const label = `${step.id ?? number}: ${stepAction(step)}${step.when === undefined ? "" : ` (when ${short(step.when)})`}`;
    const node = g.fresh(diagram.ways === undefined ? "step" : "decision", label);
    for (const tail of tails) g.edge(tail.id, node, tail.label);
    tails = connect(g, node, diagram, number);
  });
  return tails;
}

/** The flowchart of one route. */
export function routeFlow(route: BoundDocument<"Route">): Graph {
  const g = graphBuilder();
  const trigger = route.value.spec.trigger;
  const start = trigger.event ?? trigger.canonical ?? `schedule ${trigger.schedule ?? ""}`;
  const first = g.node("event", start);
  const done = g.fresh("route", `${route.name} done`);
  const tails = addSteps(g, route.value.spec.steps as Step[], [{ id: first, label: trigger.when === undefined ? "triggers" : `when ${short(trigger.when, 40)}` }]);
  for (const tail of tails) g.edge(tail.id, done, tail.label);
  return g.graph();
}
