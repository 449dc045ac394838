/**
 * Questions the rules ask of a spec set: which steps deliver where, which systems a route's
 * events come from, which fields a mapping sets. Kept here so every rule answers them the same way.
 */
import jsonata from "jsonata";
import type { Operation } from "../../model/index.ts";
import type { PathSegment } from "../parse/document.ts";
import { type BoundDocument, forEachStep, type SpecSet } from "../check/spec-set.ts";

/** One deliver step (or its correction's call) and what it resolves to. */
export interface Delivery {
  route: BoundDocument<"Route">;
  /** The path of the step's `deliver` object (or of its correction's call). */
  path: PathSegment[];
  system: string;
  operationName: string;
  operation: Operation | undefined;
  /** The mapping that builds the request: the step's own, or the nearest `map` step before it. */
  mapping: BoundDocument<"Mapping"> | undefined;
}

const WRITE_EFFECTS: ReadonlySet<string> = new Set(["create", "update", "upsert", "delete"]);

/** True when calling the operation changes the system's data. */
export function writes(operation: Operation | undefined): boolean {
  return operation !== undefined && WRITE_EFFECTS.has(operation.effect);
}

const deliveryCache = new WeakMap<SpecSet, Delivery[]>();

/** A call to an operation: a deliver step's, or its correction's. */
type Call = { operation: string; mapping?: string };

/** Every deliver step of every route, and each step's correction, in route order. */
export function deliveries(set: SpecSet): readonly Delivery[] {
  const cached = deliveryCache.get(set);
  if (cached !== undefined) return cached;
  const out: Delivery[] = [];
  for (const route of set.routes.values()) {
    let lastMap: string | undefined;
    forEachStep(route, (step, path) => {
      if (typeof step["map"] === "string") lastMap = step["map"];
      const deliver = step["deliver"] as (Call & { correction?: Record<string, Call | undefined> }) | undefined;
      if (deliver === undefined) return;
      const calls: [Call, PathSegment[]][] = [[deliver, [...path, "deliver"]]];
      // A correction's call writes to its system like the step's own.
      for (const [kind, call] of Object.entries(deliver.correction ?? {})) if (call?.operation !== undefined) calls.push([call, [...path, "deliver", "correction", kind]]);
      for (const [call, at] of calls) {
        const [system = "", operationName = ""] = call.operation.split(".");
        const mappingName = call.mapping ?? lastMap;
        out.push({
          route,
          path: at,
          system,
          operationName,
          operation: set.systems.get(system)?.value.spec.operations?.[operationName],
          mapping: mappingName === undefined ? undefined : set.mappings.get(mappingName),
        });
      }
    });
  }
  deliveryCache.set(set, out);
  return out;
}

/** The deliveries of one route. */
export function deliveriesOf(set: SpecSet, route: BoundDocument<"Route">): Delivery[] {
  return deliveries(set).filter((d) => d.route === route);
}

/** True when a route has a deliver step to an operation that is not a read. */
export function isSideEffecting(set: SpecSet, route: BoundDocument<"Route">): boolean {
  return deliveriesOf(set, route).some((d) => d.operation === undefined || d.operation.effect !== "read");
}

/**
 * The systems a route's events originate in: the trigger's system, or for a canonical trigger
 * the origins of the routes that emit the event (followed transitively) and the systems whose
 * answers a write-back announces in it.
 */
export function originSystems(set: SpecSet, route: BoundDocument<"Route">, seen: Set<string> = new Set()): Set<string> {
  const out = new Set<string>();
  if (seen.has(route.name)) return out;
  seen.add(route.name);
  const trigger = route.value.spec.trigger;
  if (trigger.event !== undefined) out.add(trigger.event.split(".")[0] ?? "");
  if (trigger.canonical !== undefined) {
    const event = set.canonicalEvents.get(trigger.canonical);
    for (const emitter of event?.emittedBy ?? []) {
      for (const system of originSystems(set, emitter.route, seen)) out.add(system);
    }
    // A write-back's event originates in the system whose answer it carries.
    for (const announcer of event?.writtenBackBy ?? []) out.add(announcer.system.name);
  }
  return out;
}

/** The entity a route's events are about, when the trigger says. */
export function triggerEntity(set: SpecSet, route: BoundDocument<"Route">): string | undefined {
  const trigger = route.value.spec.trigger;
  if (trigger.event !== undefined) {
    const [system = "", event = ""] = trigger.event.split(".");
    return set.systems.get(system)?.value.spec.events?.[event]?.entity;
  }
  if (trigger.canonical !== undefined) return set.canonicalEvents.get(trigger.canonical)?.entity;
  return undefined;
}

interface AstNode {
  type?: string;
  value?: unknown;
  lhs?: unknown;
  steps?: AstNode[];
  expressions?: AstNode[];
  then?: AstNode;
  else?: AstNode;
  position?: number;
}

const astCache = new Map<string, AstNode | null>();

/** The parsed JSONata AST, or undefined when the text does not parse (the checker reports that). */
export function parseJsonata(text: string): AstNode | undefined {
  if (!astCache.has(text)) {
    try {
      astCache.set(text, jsonata(text).ast() as AstNode);
    } catch {
      astCache.set(text, null);
    }
  }
  return astCache.get(text) ?? undefined;
}

/** A key the expression's result object sets, with its offset in the expression text. */
export interface OutputKey {
  name: string;
  offset: number;
}

function constructorKeys(node: AstNode | undefined): OutputKey[] | undefined {
  if (node === undefined) return undefined;
  if (node.type === "unary" && node.value === "{" && Array.isArray(node.lhs)) {
    const keys: OutputKey[] = [];
    for (const pair of node.lhs as [AstNode, AstNode][]) {
      const key = pair[0];
      if (key?.type !== "string") return undefined;
      const name = String(key.value);
      // jsonata records the position just after a token: here after the closing quote.
      keys.push({ name, offset: Math.max(0, (key.position ?? 0) - name.length - 1) });
    }
    return keys;
  }
  if (node.type === "path" && node.steps !== undefined) return constructorKeys(node.steps[node.steps.length - 1]);
  if (node.type === "block" && node.expressions !== undefined) return constructorKeys(node.expressions[node.expressions.length - 1]);
  if (node.type === "condition") {
    const a = constructorKeys(node.then);
    const b = node.else === undefined ? undefined : constructorKeys(node.else);
    if (a === undefined || b === undefined) return a ?? b;
    const names = new Set(b.map((k) => k.name));
    return a.filter((k) => names.has(k.name));
  }
  return undefined;
}

/**
 * The top-level keys of the object a mapping's expression builds, or undefined when the result
 * is not a literal object constructor (then nothing can be said statically).
 */
export function outputKeys(expression: string): OutputKey[] | undefined {
  return constructorKeys(parseJsonata(expression));
}

/** The documents of a set in a stable order (kind order of the set, then name). */
export function documentsOf(set: SpecSet): readonly BoundDocument[] {
  return set.documents;
}

/** Compiles a pattern from the policy, or the fallback when it is absent or invalid (the policy check reports invalid ones). */
export function patternOption(value: unknown, fallback: string, flags = ""): RegExp {
  if (typeof value === "string") {
    try {
      return new RegExp(value, flags);
    } catch {
      // Reported by resolvePolicy, located at the pattern.
    }
  }
  return new RegExp(fallback, flags);
}

/** Escapes text for use inside a regular expression. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
