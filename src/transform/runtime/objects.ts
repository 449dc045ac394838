/**
 * Constructors and reordering: `[...]` array constructors, `{...}` grouping and object
 * constructors, and the `^(...)` order-by operator.
 */
import { createSequence, type Frame, frameFromTuple, state } from "./context.ts";
import { fail } from "./errors.ts";
import { append } from "./operators.ts";
import type { Code } from "./paths.ts";
import type { Dict, Sequence, Tuple } from "./values.ts";

/** An object constructor: key and value expression pairs. */
export interface GroupPlan {
  readonly pairs: readonly (readonly [Code, Code])[];
  readonly position: number;
}

/** One order-by term. */
export interface SortTerm {
  readonly run: Code;
  readonly descending: boolean;
}

/** An order-by step; `index` is the `#$i` binding that follows it, if any. */
export interface SortPlan {
  readonly terms: readonly SortTerm[];
  readonly position: number;
  readonly index?: string;
}

/** `[a, b, ...]`: `nested[i]` marks members that are array constructors themselves (kept whole). */
export function array(values: readonly unknown[], nested: readonly boolean[], cons: boolean): unknown[] {
  let result: unknown[] = [];
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (value === undefined) continue;
    if (nested[i]) result.push(value);
    else result = append(result, value) as unknown[];
  }
  if (cons) Object.defineProperty(result, "cons", { enumerable: false, configurable: false, value: true });
  return result;
}

/** `{key: value, ...}` over the context sequence (grouping by key). */
export function group(plan: GroupPlan, input: unknown, env: Frame): Dict {
  const result: Dict = Object.create(null);
  const groups: Record<string, { data: unknown; exprIndex: number; grown: boolean }> = Object.create(null);
  const reduce = Boolean(input && (input as Sequence).tupleStream);
  const items: unknown[] = Array.isArray(input) ? input : createSequence(input);
  if (items.length === 0 && !reduce) items.push(undefined);
  for (const item of items) {
    const itemEnv = reduce ? frameFromTuple(env, item as Tuple) : env;
    const context = reduce ? (item as Tuple)["@"] : item;
    for (let pairIndex = 0; pairIndex < plan.pairs.length; pairIndex++) {
      const key = plan.pairs[pairIndex]![0](context, itemEnv);
      if (key === undefined) continue;
      if (typeof key !== "string") fail("T1003", { position: plan.position, value: key });
      if (key === "_jsonata_lambda" || key === "_jsonata_function") {
        fail("D1013", { position: plan.position, value: key });
      }
      const existing = groups[key];
      if (existing !== undefined) {
        if (existing.exprIndex !== pairIndex) fail("D1009", { position: plan.position, value: key });
        appendInPlace(existing, item);
      } else {
        groups[key] = { data: item, exprIndex: pairIndex, grown: false };
      }
    }
  }
  for (const key of Object.keys(groups)) {
    const entry = groups[key]!;
    let context = entry.data;
    let valueEnv = env;
    if (reduce) {
      const tuple = reduceTupleStream(entry.data);
      context = tuple["@"];
      delete tuple["@"];
      valueEnv = frameFromTuple(env, tuple);
    }
    const value = plan.pairs[entry.exprIndex]![1](context, valueEnv);
    if (value !== undefined) result[key] = value;
  }
  return result;
}

/**
 * `entry.data = $append(entry.data, item)` without copying the whole array each time: the first
 * append makes a private array (as `concat` would), later ones push onto it.
 */
function appendInPlace(entry: { data: unknown; grown: boolean }, item: unknown): void {
  if (item === undefined) return;
  if (entry.data === undefined) {
    entry.data = item;
    return;
  }
  if (!entry.grown) {
    const first = entry.data;
    entry.data = Array.isArray(first) ? first.slice() : [first];
    entry.grown = true;
  }
  const data = entry.data as unknown[];
  const added = Array.isArray(item) ? item.length : 1;
  const limit = state.ctx.sequenceLimit;
  if (limit > 0 && data.length + added > limit) fail("D2015", { value: data.length + added });
  if (Array.isArray(item)) for (const value of item) data.push(value);
  else data.push(item);
}

function reduceTupleStream(stream: unknown): Tuple {
  if (!Array.isArray(stream)) return stream as Tuple;
  const result: Tuple = Object.create(null);
  Object.assign(result, stream[0]);
  for (let ii = 1; ii < stream.length; ii++) {
    const tuple = stream[ii] as Tuple;
    for (const prop of Object.keys(tuple)) result[prop] = append(result[prop], tuple[prop]);
  }
  return result;
}

/** `^(...)`: a stable sort of the input by the terms. */
export function sort(plan: SortPlan, input: Sequence, env: Frame): unknown {
  if (input.length <= 1) return input;
  const isTupleSort = Boolean(input.tupleStream);
  // Each term is evaluated for an item when a comparison first needs it, then remembered: the
  // same evaluations, in the same order, as re-evaluating at every comparison, only once each.
  const keys = plan.terms.map(() => new Array<unknown>(input.length).fill(notYet));
  const termValue = (index: number, position: number): unknown => {
    const known = keys[index]![position];
    if (known !== notYet) return known;
    const term = plan.terms[index]!;
    const item = input[position];
    const value = isTupleSort ? term.run((item as Tuple)["@"], frameFromTuple(env, item as Tuple)) : term.run(item, env);
    keys[index]![position] = value;
    return value;
  };
  const swap = (a: unknown, b: unknown): boolean => {
    let comp = 0;
    for (let index = 0; comp === 0 && index < plan.terms.length; index++) {
      const term = plan.terms[index]!;
      const aa = termValue(index, a as number);
      const bb = termValue(index, b as number);
      const atype = typeof aa;
      const btype = typeof bb;
      if (atype === "undefined") {
        comp = btype === "undefined" ? 0 : 1;
        continue;
      }
      if (btype === "undefined") {
        comp = -1;
        continue;
      }
      if (!(atype === "string" || atype === "number") || !(btype === "string" || btype === "number")) {
        fail("T2008", { position: plan.position, value: !(atype === "string" || atype === "number") ? aa : bb });
      }
      if (atype !== btype) fail("T2007", { position: plan.position, value: aa, value2: bb });
      if (aa === bb) continue;
      comp = (aa as string | number) < (bb as string | number) ? -1 : 1;
      if (term.descending) comp = -comp;
    }
    return comp === 1;
  };
  const order = mergeSort(
    input.map((_, position) => position),
    swap,
  );
  return order.map((position) => input[position as number]);
}

const notYet: unique symbol = Symbol("not yet evaluated");

/**
 * The reference implementation's merge sort: `swap(a, b)` true puts b before a. Stable, and
 * calls the comparator in the same order, so comparators with errors fail the same way.
 */
export function mergeSort(items: unknown[], swap: (a: unknown, b: unknown) => boolean): unknown[] {
  if (items.length <= 1) return items;
  const middle = Math.floor(items.length / 2);
  const left = mergeSort(items.slice(0, middle), swap);
  const right = mergeSort(items.slice(middle), swap);
  const merged: unknown[] = [];
  let l = 0;
  let r = 0;
  while (l < left.length && r < right.length) {
    if (swap(left[l], right[r])) merged.push(right[r++]);
    else merged.push(left[l++]);
  }
  while (l < left.length) merged.push(left[l++]);
  while (r < right.length) merged.push(right[r++]);
  return merged;
}
