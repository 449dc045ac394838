/**
 * One route as a flowchart, top down: its trigger, each step in order (a branch fans out to its
 * ways and joins again), the system operation each delivery calls, the events it emits and the
 * dependencies it waits for. `spec graph --route` prints it and `spec docs` draws one per route.
 */
import type { Step } from "../../../model/index.ts";
import type { BoundDocument } from "../../check/spec-set.ts";
import { type Graph, graphBuilder } from "./graph.ts";

/** What a step does, in a phrase. */
export function stepAction(step: Step): string {
  if (step.validate !== undefined) return `validate against ${step.validate}`;
  if (step.map !== undefined) return `map with ${step.map}`;
  if (step.enrich !== undefined) return `enrich: ${step.enrich.lookup} ${step.enrich.entity} by ${step.enrich.key} as ${step.enrich.as}`;
  if (step.classify !== undefined) return `classify as ${step.classify.as} (${step.classify.rules.map((r) => r.value).join(", ")}, otherwise ${step.classify.otherwise})`;
  if (step.branch !== undefined) return `branch (${step.branch.length} way${step.branch.length === 1 ? "" : "s"})`;
  if (step.require !== undefined) return `require ${step.require.entity} in ${step.require.system}${step.require.wait === undefined ? "" : `, waiting up to ${step.require.wait}`}`;
  if (step.deliver !== undefined) return `deliver to ${step.deliver.operation}${step.deliver.mapping === undefined ? "" : ` mapped by ${step.deliver.mapping}`}`;
  if (step.emit !== undefined) return `emit ${step.emit.event}`;
  return "no action";
}

/** Long conditions are cut so that a node stays readable; the docs show them in full beside it. */
function short(text: string, max = 48): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}

type Builder = ReturnType<typeof graphBuilder>;

/**
 * Adds `steps` after the nodes in `from` (each edge labelled as given); returns the nodes the flow
 * leaves from. A step without an id is numbered as the docs number it: `4`, and `4.1.2` for the
 * second step of the first way of step 4's branch.
 */
function addSteps(g: Builder, steps: readonly Step[], from: readonly { id: string; label: string }[], prefix = ""): { id: string; label: string }[] {
  let tails = [...from];
  steps.forEach((step, index) => {
    const number = `${prefix}${index + 1}`;
    const label = `${step.id ?? number}: ${stepAction(step)}${step.when === undefined ? "" : ` (when ${short(step.when)})`}`;
    const node = g.fresh(step.branch === undefined ? "step" : "decision", label);
    for (const tail of tails) g.edge(tail.id, node, tail.label);
    tails = [{ id: node, label: "" }];
    if (step.deliver !== undefined) {
      const [system, operation] = step.deliver.operation.split(".") as [string, string];
      g.edge(node, g.node("system", system), operation, true);
    }
    if (step.emit !== undefined) g.edge(node, g.node("event", step.emit.event), "emits", true);
    if (step.require !== undefined) g.edge(g.node("system", step.require.system), node, `has ${step.require.entity}?`, true);
    if (step.branch !== undefined) {
      tails = step.branch.flatMap((way, w) => {
        const entry = [{ id: node, label: way.when === undefined ? "otherwise" : short(way.when, 40) }];
        return way.steps.length === 0 ? entry : addSteps(g, way.steps as Step[], entry, `${number}.${w + 1}.`);
      });
      // With no otherwise way, an event no condition holds for goes straight on.
      if (step.branch.every((way) => way.when !== undefined)) tails.push({ id: node, label: "otherwise" });
    }
  });
  return tails;
}

/** The flowchart of one route. */
export function routeFlow(route: BoundDocument<"Route">): Graph {
  const g = graphBuilder();
  const trigger = route.value.spec.trigger;
  const start = trigger.event !== undefined ? `${trigger.event}` : trigger.canonical !== undefined ? `${trigger.canonical}` : `schedule ${trigger.schedule ?? ""}`;
  const first = g.node("event", start);
  const done = g.fresh("route", `${route.name} done`);
  const tails = addSteps(g, route.value.spec.steps as Step[], [{ id: first, label: trigger.when === undefined ? "triggers" : `when ${short(trigger.when, 40)}` }]);
  for (const tail of tails) g.edge(tail.id, done, tail.label);
  return g.graph();
}
