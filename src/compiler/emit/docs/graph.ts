/**
 * The route graph and the ownership map of a spec set, as data, and their Mermaid and Graphviz
 * DOT renderings. Node ids are derived (`n0`, `n1`, ...); names appear only inside escaped labels.
 */
import type { Step } from "../../../model/index.ts";
import type { StepDiagram } from "../../../steps/compile-kind.ts";
import { declaredKinds } from "../../../steps/compile-registry.ts";
import { forEachStep, type SpecSet } from "../../check/spec-set.ts";

/** A node of a graph. */
export interface GraphNode {
  id: string;
  label: string;
  kind: "system" | "route" | "event" | "entity" | "step" | "decision";
}

/** An edge of a graph. */
export interface GraphEdge {
  from: string;
  to: string;
  label: string;
  dashed?: boolean;
}

/** A directed graph. */
export interface Graph {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

/**
 * Builds a graph: `node` finds or adds the node of a kind and label (one per system, event...),
 * `fresh` always adds one (a route's steps may read alike).
 */
export function graphBuilder() {
  const nodes = new Map<string, GraphNode>();
  const edges: GraphEdge[] = [];
  const add = (key: string, kind: GraphNode["kind"], label: string): string => {
    let found = nodes.get(key);
    if (found === undefined) {
      found = { id: `n${nodes.size}`, label, kind };
      nodes.set(key, found);
    }
    return found.id;
  };
  return {
    node: (kind: GraphNode["kind"], label: string) => add(`${kind}:${label}`, kind, label),
    fresh: (kind: GraphNode["kind"], label: string) => add(`#${nodes.size}`, kind, label),
    edge(from: string, to: string, label: string, dashed = false) {
      if (!edges.some((e) => e.from === from && e.to === to && e.label === label)) edges.push({ from, to, label, ...(dashed ? { dashed } : {}) });
    },
    graph: (): Graph => ({ nodes: [...nodes.values()], edges }),
  };
}

/** What a step connects to in a diagram, as its kind's compiler half says; nothing when the kind draws no edges. */
export function stepDiagram(step: Step): StepDiagram {
  const [declared] = declaredKinds(step);
  return declared?.compiler.diagram?.(declared.spec) ?? {};
}

const sorted = <T extends { name: string }>(values: Iterable<T>) => [...values].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

/** Systems, routes and canonical events: what triggers each route, where it delivers and emits, and which answers announce an event. */
export function routeGraph(set: SpecSet): Graph {
  const g = graphBuilder();
  for (const system of sorted(set.systems.values())) g.node("system", system.name);
  for (const route of sorted(set.routes.values())) {
    const r = g.node("route", route.name);
    const trigger = route.value.spec.trigger;
    if (trigger.event !== undefined) {
      const [system, event] = trigger.event.split(".") as [string, string];
      g.edge(g.node("system", system), r, event);
    } else if (trigger.canonical !== undefined) g.edge(g.node("event", trigger.canonical), r, "triggers");
    else if (trigger.schedule !== undefined) g.edge(g.node("event", `schedule ${trigger.schedule}`), r, "schedule", true);
    forEachStep(route, (step) => {
      const diagram = stepDiagram(step as Step);
      if (diagram.calls !== undefined) g.edge(r, g.node("system", diagram.calls.system), diagram.calls.operation);
      if (diagram.emits !== undefined) g.edge(r, g.node("event", diagram.emits), "emits");
      if (diagram.waitsFor !== undefined) g.edge(r, g.node("system", diagram.waitsFor.system), `requires ${diagram.waitsFor.entity}`, true);
    });
  }
  // A write-back's event comes from the system whose answer it carries.
  for (const event of sorted(set.canonicalEvents.values())) {
    for (const w of event.writtenBackBy ?? []) g.edge(g.node("system", w.system.name), g.node("event", event.name), `${w.operation} writes back`, true);
  }
  return g.graph();
}

/** Entities and the systems that own, create, update or replicate them. */
export function ownershipGraph(set: SpecSet): Graph {
  const g = graphBuilder();
  for (const entity of sorted(set.entities.values())) {
    const e = g.node("entity", entity.name);
    const ownership = set.ownershipOf.get(entity.name)?.value.spec;
    if (ownership === undefined) continue;
    g.edge(g.node("system", ownership.systemOfRecord), e, "system of record");
    for (const replica of ownership.replicas ?? []) g.edge(e, g.node("system", replica), "replica", true);
    for (const [field, owner] of Object.entries(ownership.fields ?? {}).sort(([a], [b]) => (a < b ? -1 : 1))) {
      g.edge(g.node("system", owner.systemOfRecord), e, `owns ${field}`, true);
    }
  }
  return g.graph();
}

/** A Mermaid label: quoted, with what Mermaid would read as markup written as entities. */
function mermaidLabel(text: string): string {
  const escaped = text.replace(/[\r\n\u2028\u2029]+/g, " ").replace(/[#"<>&|`{}[\]()]/g, (c) => `#${c.charCodeAt(0)};`);
  return `"${escaped}"`;
}

const SHAPES: Record<GraphNode["kind"], [string, string]> = {
  system: ["[", "]"],
  route: ["([", "])"],
  event: ["{{", "}}"],
  entity: ["[(", ")]"],
  step: ["(", ")"],
  decision: ["{", "}"],
};

const CLASSES: Record<GraphNode["kind"], string> = {
  system: "fill:#e3f2fd,stroke:#1565c0",
  route: "fill:#fff8e1,stroke:#f9a825",
  event: "fill:#f3e5f5,stroke:#6a1b9a",
  entity: "fill:#e8f5e9,stroke:#2e7d32",
  step: "fill:#ffffff,stroke:#57606a",
  decision: "fill:#fff1e5,stroke:#bc4c00",
};

/** A Mermaid flowchart of a graph, laid out left to right (`LR`) or top down (`TD`). */
export function toMermaid(graph: Graph, direction: "LR" | "TD" = "LR"): string {
  const lines = [`flowchart ${direction}`];
  for (const n of graph.nodes) {
    const [open, close] = SHAPES[n.kind];
    lines.push(`  ${n.id}${open}${mermaidLabel(n.label)}${close}`);
  }
  for (const e of graph.edges) lines.push(`  ${e.from} ${e.dashed ? "-.->" : "-->"}${e.label === "" ? "" : `|${mermaidLabel(e.label)}|`} ${e.to}`);
  const kinds = (Object.keys(CLASSES) as GraphNode["kind"][]).filter((kind) => graph.nodes.some((n) => n.kind === kind));
  for (const kind of kinds) lines.push(`  classDef ${kind} ${CLASSES[kind]}`);
  for (const kind of kinds) lines.push(`  class ${graph.nodes.filter((n) => n.kind === kind).map((n) => n.id).join(",")} ${kind}`);
  return `${lines.join("\n")}\n`;
}

function dotString(text: string): string {
  return `"${text.replace(/[\r\n\u2028\u2029]+/g, " ").replace(/["\\]/g, (c) => `\\${c}`)}"`;
}

const DOT_SHAPES: Record<GraphNode["kind"], string> = { system: "box", route: "ellipse", event: "hexagon", entity: "cylinder", step: "box, style=rounded", decision: "diamond" };

/** A Graphviz DOT digraph of a graph. */
export function toDot(graph: Graph, name: string, direction: "LR" | "TD" = "LR"): string {
  const lines = [`digraph ${dotString(name)} {`, `  rankdir=${direction === "TD" ? "TB" : "LR"};`];
  for (const n of graph.nodes) lines.push(`  ${n.id} [label=${dotString(n.label)}, shape=${DOT_SHAPES[n.kind]}];`);
  for (const e of graph.edges) {
    const attributes = [...(e.label === "" ? [] : [`label=${dotString(e.label)}`]), ...(e.dashed ? ["style=dashed"] : [])];
    lines.push(`  ${e.from} -> ${e.to}${attributes.length === 0 ? "" : ` [${attributes.join(", ")}]`};`);
  }
  lines.push("}");
  return `${lines.join("\n")}\n`;
}
