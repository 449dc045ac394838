/**
 * Code generation for paths: each path becomes a hoisted plan (its steps as compiled functions
 * plus the step flags the evaluator reads), evaluated by the runtime's `path`.
 */
import type { Node } from "./ast.ts";
import { literal } from "./emitter.ts";
import type { Generator } from "./generate.ts";

/** A predicate's plan: a literal index, or a compiled test. */
export function filterPlan(gen: Generator, predicate: Node): string {
  if (predicate.type === "number") return gen.out.constant(`{ index: ${literal(predicate.value)}, run: undefined }`);
  return gen.out.constant(`{ run: ${gen.out.fn(gen.expr(predicate))} }`);
}

/** An object constructor's plan: compiled key and value pairs. */
export function groupPlan(gen: Generator, group: { readonly lhs: readonly (readonly [Node, Node])[]; readonly position: number }): string {
  const pairs = group.lhs.map(([key, value]) => `[${gen.out.fn(gen.expr(key))}, ${gen.out.fn(gen.expr(value))}]`);
  return gen.out.constant(`{ pairs: [${pairs.join(", ")}], position: ${group.position} }`);
}

/**
 * An object constructor `{ "k": v, ... }`. When every key is a distinct string literal, a
 * single context item builds the object directly (in the order `Object.keys` would give the
 * keys, as grouping does); an array context still goes through grouping.
 */
export function objectValue(gen: Generator, lhs: readonly (readonly [Node, Node])[], position: number): string {
  const plan = groupPlan(gen, { lhs, position });
  const keys = lhs.map(([key]) => (key.type === "string" && Object.keys(key).every((k) => stepKeys.has(k)) ? key.value : undefined));
  const distinct = new Set(keys);
  const literalKeys =
    keys.every((key): key is string => typeof key === "string" && key !== "__proto__") && distinct.size === keys.length;
  if (!literalKeys) return `${gen.rt("group")}(${plan}, i, e)`;
  const order = Object.keys(Object.fromEntries(keys.map((key) => [key, true])));
  const statements = [`if (Array.isArray(i)) return ${gen.rt("group")}(${plan}, i, e);`, "const r = {};", "let v;"];
  for (const key of order) {
    const value = lhs[keys.indexOf(key)]![1];
    statements.push(`v = ${gen.expr(value)};`, `if (v !== undefined) r[${literal(key)}] = v;`);
  }
  statements.push("return r;");
  return `${gen.out.block(statements)}(i, e)`;
}

function sortPlan(gen: Generator, step: Node): string {
  const terms = (step.terms ?? []).map(
    (term) => `{ run: ${gen.out.fn(gen.expr(term.expression))}, descending: ${term.descending === true} }`,
  );
  const index = step.index !== undefined ? `, index: ${literal(step.index)}` : "";
  return gen.out.constant(`{ terms: [${terms.join(", ")}], position: ${step.position ?? 0}${index} }`);
}

function stagePlans(gen: Generator, stages: readonly Node[]): string {
  const plans = stages.map((stage) =>
    stage.type === "index" ? `{ index: ${literal(stage.value)} }` : `{ filter: ${filterPlan(gen, stage.expr!)} }`,
  );
  return `[${plans.join(", ")}]`;
}

function stepPlan(gen: Generator, step: Node): string {
  const fields: string[] = [];
  if (step.type === "sort") {
    fields.push("run: undefined", `sort: ${sortPlan(gen, step)}`);
  } else {
    fields.push(`run: ${gen.out.fn(gen.expr(step))}`);
  }
  if (step.stages !== undefined) fields.push(`stages: ${stagePlans(gen, step.stages)}`);
  if (step.focus !== undefined) fields.push(`focus: ${literal(step.focus)}`);
  if (step.index !== undefined && step.type !== "sort") fields.push(`index: ${literal(step.index)}`);
  if (step.ancestor !== undefined) fields.push(`ancestor: ${literal(step.ancestor.label)}`);
  if (step.tuple) fields.push("tuple: true");
  if (step.consarray) fields.push("consarray: true");
  return `{ ${fields.join(", ")} }`;
}

/** The code of a path expression. */
export function pathValue(gen: Generator, node: Node): string {
  const steps = node.steps ?? [];
  const fields = [`steps: [${steps.map((step) => stepPlan(gen, step)).join(", ")}]`];
  fields.push(`absolute: ${steps[0]?.type === "variable"}`);
  if (node.tuple) fields.push("tuple: true");
  if (node.keepSingletonArray) fields.push("keepSingletonArray: true");
  if (node.group !== undefined) fields.push(`group: ${groupPlan(gen, node.group)}`);
  const plan = gen.out.constant(`{ ${fields.join(", ")} }`);
  const names = simpleNames(node);
  if (names !== undefined) return `${fieldWalk(gen, names, plan)}(i, e)`;
  return `${gen.rt("path")}(${plan}, i, e)`;
}

const identifier = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

function guardedRead(key: string): string[] {
  const read = identifier.test(key) ? `c.${key}` : `c[${literal(key)}]`;
  return [
    "if (c._jsonata_lambda === true || c._jsonata_function === true) return undefined;",
    `v = ${read};`,
    "if (v === undefined) return undefined;",
    key in Object.prototype
      ? `if (!Object.hasOwn(c, ${literal(key)})) return undefined;`
      : `if ((p = Object.getPrototypeOf(c)) !== Object.prototype && p !== null && !Object.hasOwn(c, ${literal(key)})) return undefined;`,
  ];
}

/** A field name step (`field(i, key)`) with its own inline cache for the common single-object case. */
export function fieldRead(gen: Generator, key: string): string {
  const reader = gen.out.block([
    "const c = i;",
    "let v, p;",
    'if (c === null || typeof c !== "object") return undefined;',
    `if (Array.isArray(c)) return ${gen.rt("field")}(c, ${literal(key)});`,
    ...guardedRead(key),
    "return v;",
  ]);
  return `${reader}(i, e)`;
}

/**
 * A path of plain field names as straight-line property reads, so that each read site gets
 * its own inline cache. The reads follow `field`: own properties of objects only (inherited
 * ones are checked for with `Object.hasOwn` where an object's prototype could supply them).
 * An array anywhere, or a sequence at the end, hands over to the general path evaluation.
 */
function fieldWalk(gen: Generator, names: { start: Node | undefined; keys: string[] }, plan: string): string {
  const statements = [`let c = ${names.start !== undefined ? gen.expr(names.start) : "i"};`];
  const keys = gen.out.constant(literal(names.keys));
  for (const [k, key] of names.keys.entries()) {
    statements.push(
      'if (c === null || typeof c !== "object") return undefined;',
      `if (Array.isArray(c)) return ${gen.rt("fieldsFrom")}(c, ${keys}, ${k}) ?? ${gen.rt("path")}(${plan}, i, e);`,
      ...guardedRead(key),
      "c = v;",
    );
  }
  statements.push(`if (Array.isArray(c) && c.sequence === true) return ${gen.rt("path")}(${plan}, i, e);`, "return c;");
  statements.splice(1, 0, "let v, p;");
  return gen.out.block(statements);
}

const stepKeys = new Set(["type", "value", "position"]);

/** The field names of a path made only of plain name steps, optionally after a variable. */
function simpleNames(node: Node): { start: Node | undefined; keys: string[] } | undefined {
  if (node.tuple || node.keepSingletonArray || node.group !== undefined) return undefined;
  const steps = node.steps ?? [];
  let start: Node | undefined;
  let rest = steps;
  const first = steps[0];
  if (first?.type === "variable" && first.value !== "" && Object.keys(first).every((key) => stepKeys.has(key))) {
    start = first;
    rest = steps.slice(1);
  }
  if (rest.length === 0) return undefined;
  const keys: string[] = [];
  for (const step of rest) {
    if (step.type !== "name" || !Object.keys(step).every((key) => stepKeys.has(key))) return undefined;
    keys.push(String(step.value));
  }
  return { start, keys };
}
