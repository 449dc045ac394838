/**
 * The runtime the generated code calls: one object whose members the generated module body
 * destructures. Generated modules import it from "syncspec/transform".
 */
import { builtins, concat, signature } from "./builtins.ts";
import { bind, frame, global, lookup, state } from "./context.ts";
import { fail } from "./errors.ts";
import { applyTo, call, callBuiltin, callWith, lambda, partial, placeholder, thunk, transform } from "./functions.ts";
import { array, group } from "./objects.ts";
import {
  add,
  and,
  boolize,
  compare,
  divide,
  equal,
  includes,
  modulo,
  multiply,
  negate,
  notEqual,
  or,
  range,
  subtract,
  toBoolean,
} from "./operators.ts";
import { descendants, field, fieldsFrom, filter, path, wildcard } from "./paths.ts";
import { regex } from "./regex.ts";
import type { Sequence } from "./values.ts";

/** Collapses a sequence as every evaluation step does: empty to undefined, singleton to its item. */
export function norm(result: unknown): unknown {
  if (Array.isArray(result) && (result as Sequence).sequence === true && !(result as Sequence).tupleStream) {
    if (result.length === 0) return undefined;
    if (result.length === 1 && !(result as Sequence).keepSingleton) return result[0];
  }
  return result;
}

/** `expr[]`: like `norm`, but a singleton sequence stays an array. */
export function normKeep(result: unknown): unknown {
  if (Array.isArray(result) && (result as Sequence).sequence === true && !(result as Sequence).tupleStream) {
    (result as Sequence).keepSingleton = true;
    if (result.length === 0) return undefined;
  }
  return result;
}

/** `$`: the context item (the input array itself when the input was an array). */
export function context(input: unknown): unknown {
  return input && (input as Sequence).outerWrapper ? (input as Sequence)[0] : input;
}

function unsupported(what: string, position: number): never {
  return fail("S0206", { token: what, position });
}

/** The helpers generated code uses, by the names it uses. */
export const runtime = {
  add,
  and,
  applyTo,
  array,
  bind,
  boolize,
  builtins,
  call,
  callBuiltin,
  callWith,
  compare,
  concat,
  context,
  descendants,
  divide,
  equal,
  field,
  fieldsFrom,
  filter,
  frame,
  global,
  group,
  includes,
  lambda,
  lookup,
  modulo,
  multiply,
  negate,
  norm,
  normKeep,
  notEqual,
  or,
  partial,
  path,
  placeholder,
  range,
  regex,
  signature,
  state,
  subtract,
  thunk,
  toBoolean,
  transform,
  unsupported,
  wildcard,
};

/** The type of the runtime object. */
export type Runtime = typeof runtime;
