/**
 * The diagrams of a spec set, one per view: the route graph, the ownership map, and the flow of
 * each route. Each renders as one complete Mermaid flowchart or one DOT digraph, so every output
 * (a file, or what `spec graph` prints) is a single diagram a renderer accepts.
 */
import type { SpecSet } from "../../check/spec-set.ts";
import { type Graph, ownershipGraph, routeGraph, toDot, toMermaid } from "./graph.ts";
import { routeFlow } from "./route-flow.ts";

/** One diagram: its view name, the file it is written to (without extension), and its graph. */
export interface DiagramView {
  /** `routes`, `ownership` or `route:<name>`. */
  name: string;
  /** `routes`, `ownership`, `routes/<name>`. */
  file: string;
  graph: Graph;
  direction: "LR" | "TD";
}

/** The views `spec graph --view` names; a single route is `--route <name>`. */
export const SET_VIEWS = ["routes", "ownership"] as const;

/** The diagram formats, with the extension of their files. */
export const DIAGRAM_FORMATS = { mermaid: "mmd", dot: "dot" } as const;
export type DiagramFormat = keyof typeof DIAGRAM_FORMATS;

/** The flow of one route, or undefined when the set has no route of that name. */
export function routeView(set: SpecSet, name: string): DiagramView | undefined {
  const route = set.routes.get(name);
  return route === undefined ? undefined : { name: `route:${name}`, file: `routes/${name}`, graph: routeFlow(route), direction: "TD" };
}

/** A view of the whole set. */
export function setView(set: SpecSet, name: (typeof SET_VIEWS)[number]): DiagramView {
  return name === "routes"
    ? { name, file: "routes", graph: routeGraph(set), direction: "LR" }
    : { name, file: "ownership", graph: ownershipGraph(set), direction: "LR" };
}

/** Every view: the route graph, the ownership map, then each route's flow in name order. */
export function allViews(set: SpecSet): DiagramView[] {
  const routes = [...set.routes.keys()].sort().map((name) => routeView(set, name) as DiagramView);
  return [...SET_VIEWS.map((name) => setView(set, name)), ...routes];
}

/** One view as text in `format`. */
export function renderView(view: DiagramView, format: DiagramFormat): string {
  return format === "dot" ? toDot(view.graph, view.name, view.direction) : toMermaid(view.graph, view.direction);
}
