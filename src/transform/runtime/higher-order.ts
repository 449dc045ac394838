/**
 * The higher-order built-in functions, synchronous: each calls its function argument with as
 * many of (value, index or key, whole) as the function declares, as the reference does.
 */
import { createSequence } from "./context.ts";
import { fail } from "./errors.ts";
import { apply } from "./functions.ts";
import { mergeSort } from "./objects.ts";
import { toBoolean } from "./operators.ts";
import { arity, type Dict, isArrayOfNumbers, isArrayOfStrings, keysOf } from "./values.ts";

function hofArgs(func: unknown, value: unknown, position: unknown, whole: unknown): unknown[] {
  const args = [value];
  const length = arity(func);
  if (length >= 2) args.push(position);
  if (length >= 3) args.push(whole);
  return args;
}

/** `$map` */
export function map(arr: unknown[] | undefined, func: unknown): unknown {
  if (arr === undefined) return undefined;
  const result = createSequence();
  for (let i = 0; i < arr.length; i++) {
    const res = apply(func, hofArgs(func, arr[i], i, arr), null);
    if (res !== undefined) result.push(res);
  }
  return result;
}

/** `$filter` */
export function filter(arr: unknown[] | undefined, func: unknown): unknown {
  if (arr === undefined) return undefined;
  const result = createSequence();
  for (let i = 0; i < arr.length; i++) {
    if (toBoolean(apply(func, hofArgs(func, arr[i], i, arr), null))) result.push(arr[i]);
  }
  return result;
}

/** `$single` */
export function single(arr: unknown[] | undefined, func: unknown): unknown {
  if (arr === undefined) return undefined;
  let found = false;
  let result: unknown;
  for (let i = 0; i < arr.length; i++) {
    const entry = arr[i];
    const positive = func === undefined ? true : toBoolean(apply(func, hofArgs(func, entry, i, arr), null));
    if (!positive) continue;
    if (found) fail("D3138", { index: i });
    result = entry;
    found = true;
  }
  if (!found) fail("D3139");
  return result;
}

/** `$reduce` */
export function foldLeft(sequence: unknown[] | undefined, func: unknown, init: unknown): unknown {
  if (sequence === undefined) return undefined;
  const funcArity = arity(func);
  if (funcArity < 2) fail("D3050", { index: 1 });
  let result: unknown;
  let index: number;
  if (init === undefined && sequence.length > 0) {
    result = sequence[0];
    index = 1;
  } else {
    result = init;
    index = 0;
  }
  while (index < sequence.length) {
    const args = [result, sequence[index]];
    if (funcArity >= 3) args.push(index);
    if (funcArity >= 4) args.push(sequence);
    result = apply(func, args, null);
    index++;
  }
  return result;
}

/** `$sift` */
export function sift(arg: Dict, func: unknown): unknown {
  const result: Dict = Object.create(null);
  for (const key of keysOf(arg)) {
    const entry = arg[key];
    if (toBoolean(apply(func, hofArgs(func, entry, key, arg), null))) result[key] = entry;
  }
  return Object.keys(result).length === 0 ? undefined : result;
}

/** `$each` */
export function each(obj: Dict, func: unknown): unknown {
  const result = createSequence();
  for (const key of keysOf(obj)) {
    const value = apply(func, hofArgs(func, obj[key], key, obj), null);
    if (value !== undefined) result.push(value);
  }
  return result;
}

/** `$sort` */
export function sort(arr: unknown[] | undefined, comparator: unknown): unknown {
  if (arr === undefined) return undefined;
  if (arr.length <= 1) return arr;
  if (comparator === undefined) {
    if (!isArrayOfNumbers(arr) && !isArrayOfStrings(arr)) fail("D3070", { index: 1 });
    return mergeSort(arr, (a, b) => (a as number) > (b as number));
  }
  return mergeSort(arr, (a, b) => Boolean(apply(comparator, [a, b], null)));
}
