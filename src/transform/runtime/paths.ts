/**
 * Path evaluation: steps mapped over sequences and flattened, predicates, the tuple streams that
 * carry `@` focus, `#` index and `%` parent bindings, wildcards and descendants. The compiled
 * form describes each path as a plan whose steps are compiled functions of (input, frame).
 */
import { createSequence, type Frame, frameFromTuple } from "./context.ts";
import { type GroupPlan, group, type SortPlan, sort } from "./objects.ts";
import { append, toBoolean } from "./operators.ts";
import {
  type Dict,
  flatten,
  isArrayOfNumbers,
  isFunction,
  isNumeric,
  isSequence,
  keysOf,
  type Sequence,
  type Tuple,
} from "./values.ts";

/** A compiled expression: its value for a context item in a frame. */
export type Code = (input: unknown, env: Frame) => unknown;

/** A predicate `[...]`: a literal index, or an expression evaluated per item. */
export interface FilterPlan {
  readonly index?: number;
  readonly run: Code;
}

/** A stage of a step: a predicate, or a `#$i` index binding. */
export interface StagePlan {
  readonly filter?: FilterPlan;
  readonly index?: string;
}

/** One step of a path. */
export interface StepPlan {
  readonly run: Code;
  readonly sort?: SortPlan;
  readonly stages?: readonly StagePlan[];
  readonly focus?: string;
  readonly index?: string;
  readonly ancestor?: string;
  readonly tuple?: boolean;
  readonly consarray?: boolean;
}

/** A path expression. `absolute` when it starts with a variable (`$`, `$$`, `$x`). */
export interface PathPlan {
  readonly steps: readonly StepPlan[];
  readonly absolute: boolean;
  readonly tuple?: boolean;
  readonly keepSingletonArray?: boolean;
  readonly group?: GroupPlan;
}

/** Evaluates a path over `input`. */
export function path(plan: PathPlan, input: unknown, env: Frame): unknown {
  let inputSequence: Sequence =
    Array.isArray(input) && !plan.absolute ? (input as Sequence) : createSequence(input);
  let resultSequence: Sequence | undefined;
  let isTupleStream = false;
  let tupleBindings: Sequence | undefined;
  const steps = plan.steps;
  for (let ii = 0; ii < steps.length; ii++) {
    const step = steps[ii]!;
    if (step.tuple) isTupleStream = true;
    if (ii === 0 && step.consarray) {
      resultSequence = step.run(inputSequence, env) as Sequence;
    } else if (isTupleStream) {
      tupleBindings = tupleStep(step, inputSequence, tupleBindings, env);
    } else {
      resultSequence = evaluateStep(step, inputSequence, env, ii === steps.length - 1);
    }
    if (!isTupleStream && (resultSequence === undefined || resultSequence.length === 0)) break;
    if (step.focus === undefined) inputSequence = resultSequence as Sequence;
  }
  if (isTupleStream) {
    if (plan.tuple) {
      resultSequence = tupleBindings;
    } else {
      resultSequence = createSequence();
      for (const tuple of tupleBindings as Tuple[]) resultSequence.push(tuple["@"]);
    }
  }
  if (plan.keepSingletonArray) {
    if (Array.isArray(resultSequence) && resultSequence.cons && !resultSequence.sequence) {
      resultSequence = createSequence(resultSequence);
    }
    (resultSequence as Sequence).keepSingleton = true;
  }
  if (plan.group !== undefined) {
    return group(plan.group, isTupleStream ? tupleBindings : resultSequence, env);
  }
  return resultSequence;
}

function evaluateStep(step: StepPlan, input: Sequence, env: Frame, lastStep: boolean): Sequence {
  if (step.sort !== undefined) {
    let sorted = sort(step.sort, input, env) as Sequence;
    if (step.stages) sorted = applyStages(step.stages, sorted, env);
    return sorted;
  }
  // One pass: flatten into `flat`, remembering the single result in case the last step's rule
  // (a lone array result is returned as it is) applies.
  const flat = createSequence();
  let count = 0;
  let only: unknown;
  for (let ii = 0; ii < input.length; ii++) {
    let res = step.run(input[ii], env);
    if (step.stages) for (const stage of step.stages) res = filter(stage.filter!, res, env);
    if (res === undefined) continue;
    count++;
    only = res;
    if (!Array.isArray(res) || (res as Sequence).cons) flat.push(res);
    else for (const value of res) flat.push(value);
  }
  if (lastStep && count === 1 && Array.isArray(only) && !isSequence(only)) return only as Sequence;
  return flat;
}

function applyStages(stages: readonly StagePlan[], input: Sequence, env: Frame): Sequence {
  let result = input;
  for (const stage of stages) {
    if (stage.filter !== undefined) {
      result = filter(stage.filter, result, env);
    } else if (stage.index !== undefined) {
      for (let ee = 0; ee < result.length; ee++) (result[ee] as Tuple)[stage.index] = ee;
    }
  }
  return result;
}

function tupleStep(step: StepPlan, input: Sequence, tupleBindings: Sequence | undefined, env: Frame): Sequence {
  if (step.sort !== undefined) {
    let result: Sequence;
    if (tupleBindings !== undefined) {
      result = sort(step.sort, tupleBindings, env) as Sequence;
    } else {
      const sorted = sort(step.sort, input, env) as Sequence;
      result = createSequence();
      result.tupleStream = true;
      for (let ss = 0; ss < sorted.length; ss++) {
        const tuple: Tuple = { "@": sorted[ss] };
        if (step.sort.index !== undefined) tuple[step.sort.index] = ss;
        result.push(tuple);
      }
    }
    if (step.stages) result = applyStages(step.stages, result, env);
    return result;
  }
  let result = createSequence();
  result.tupleStream = true;
  const bindings: Sequence = tupleBindings ?? (input.map((item) => ({ "@": item })) as Sequence);
  for (const binding of bindings as Tuple[]) {
    const stepEnv = frameFromTuple(env, binding);
    let res = step.run(binding["@"], stepEnv);
    if (res === undefined) continue;
    if (!Array.isArray(res)) res = [res];
    const values = res as Sequence;
    for (let bb = 0; bb < values.length; bb++) {
      const tuple: Tuple = Object.create(null);
      Object.assign(tuple, binding);
      if (values.tupleStream) {
        Object.assign(tuple, values[bb]);
      } else {
        if (step.focus !== undefined) {
          tuple[step.focus] = values[bb];
          tuple["@"] = binding["@"];
        } else {
          tuple["@"] = values[bb];
        }
        if (step.index !== undefined) tuple[step.index] = bb;
        if (step.ancestor !== undefined) tuple[step.ancestor] = binding["@"];
      }
      result.push(tuple);
    }
  }
  if (step.stages) result = applyStages(step.stages, result, env);
  return result;
}

/**
 * The rest of a path of plain field names, from step `from` on, over an array: each step maps
 * `field` over the sequence and flattens one level, as the general path evaluation does for
 * name steps. The compiled form calls it when a field walk meets an array.
 */
export function fieldsFrom(items: unknown[], keys: readonly string[], from: number): unknown {
  if ((items as Sequence).cons || (items as Sequence).tupleStream) return undefined;
  let current: Sequence = items as Sequence;
  for (let k = from; k < keys.length; k++) {
    const key = keys[k]!;
    const result: unknown[] = [];
    for (const item of current) {
      const value = normalise(field(item, key));
      if (value !== undefined) result.push(value);
    }
    const first = result[0];
    if (k === keys.length - 1 && result.length === 1 && Array.isArray(first) && !isSequence(first)) return first;
    const flat = createSequence();
    for (const value of result) {
      if (!Array.isArray(value) || (value as Sequence).cons) flat.push(value);
      else for (const inner of value) flat.push(inner);
    }
    if (flat.length === 0) return flat;
    current = flat;
  }
  return current;
}

function normalise(value: unknown): unknown {
  if (Array.isArray(value) && (value as Sequence).sequence === true && !(value as Sequence).tupleStream) {
    if (value.length === 0) return undefined;
    if (value.length === 1 && !(value as Sequence).keepSingleton) return value[0];
  }
  return value;
}

/** Applies a predicate to a value or sequence. */
export function filter(predicate: FilterPlan, input: unknown, env: Frame): Sequence {
  let results = createSequence();
  if (input && (input as Sequence).tupleStream) results.tupleStream = true;
  const items: Sequence = Array.isArray(input) ? (input as Sequence) : createSequence(input);
  if (predicate.index !== undefined) {
    let index = Math.floor(predicate.index);
    if (index < 0) index = items.length + index;
    const item = items[index];
    if (item !== undefined) {
      if (Array.isArray(item)) results = item as Sequence;
      else results.push(item);
    }
    return results;
  }
  for (let index = 0; index < items.length; index++) {
    const item = items[index];
    let context = item;
    let itemEnv = env;
    if (items.tupleStream) {
      context = (item as Tuple)["@"];
      itemEnv = frameFromTuple(env, item as Tuple);
    }
    let res = predicate.run(context, itemEnv);
    if (isNumeric(res)) res = [res];
    if (isArrayOfNumbers(res)) {
      for (const ires of res) {
        let ii = Math.floor(ires);
        if (ii < 0) ii = items.length + ii;
        if (ii === index) results.push(item);
      }
    } else if (toBoolean(res)) {
      results.push(item);
    }
  }
  return results;
}

/** The value of field `key` of an object, or of each object in an array, flattened. */
export function field(input: unknown, key: string): unknown {
  if (Array.isArray(input)) {
    const result = createSequence();
    for (const item of input) {
      const res = field(item, key);
      if (res === undefined) continue;
      if (Array.isArray(res)) for (const value of res) result.push(value);
      else result.push(res);
    }
    return result;
  }
  if (input !== null && typeof input === "object" && Object.hasOwn(input, key) && !isFunction(input)) {
    return (input as Dict)[key];
  }
  return undefined;
}

/** `*`: the values of every field of the context object, arrays flattened. */
export function wildcard(input: unknown): Sequence {
  let results = createSequence();
  let target = input;
  if (Array.isArray(target) && (target as Sequence).outerWrapper && target.length > 0) target = target[0];
  if (target !== null && typeof target === "object" && !isFunction(target)) {
    for (const key of keysOf(target)) {
      const value = (target as Dict)[key];
      if (Array.isArray(value)) {
        results = append(results, flatten(value)) as Sequence;
      } else {
        results.push(value);
      }
    }
  }
  return results;
}

/** `**`: every value below the context, in document order. */
export function descendants(input: unknown): unknown {
  if (input === undefined) return undefined;
  const results = createSequence();
  recurseDescendants(input, results);
  return results.length === 1 ? results[0] : results;
}

function recurseDescendants(input: unknown, results: Sequence): void {
  if (Array.isArray(input)) {
    for (const member of input) recurseDescendants(member, results);
    return;
  }
  results.push(input);
  if (input !== null && typeof input === "object" && !isFunction(input)) {
    for (const key of keysOf(input)) recurseDescendants((input as Dict)[key], results);
  }
}
