/**
 * Functions as values: lambdas and their closures, application with signature validation and
 * the tail-call trampoline, partial application, `~>` chaining, and the transform operator.
 */
import { bind, enter, type Frame, frame, frameOf, global, leave, lookup, nativeFocus, state } from "./context.ts";
import { AsyncResult, type ErrorFields, fail, isDecorable } from "./errors.ts";
import { type FastPath, SLOW } from "./fast-paths.ts";
import type { Code } from "./paths.ts";
import { type Dict, isArrayOfStrings, isFunction, isLambda, isPromise } from "./values.ts";

/** A signature validator as the reference implementation's parser produces it. */
export interface Signature {
  readonly definition: string;
  validate(args: unknown[], context: unknown): unknown[];
}

/** A built-in or registered function. */
export interface NativeFunction {
  readonly _jsonata_function: true;
  readonly implementation: (...args: unknown[]) => unknown;
  readonly signature?: Signature | undefined;
  /** Answers common well-typed calls without validation, or SLOW. */
  readonly fast?: FastPath;
}

/** A parameter of a lambda. */
export interface Param {
  readonly value: string;
}

/** A JSONata lambda: a closure over its defining frame and context. */
export interface Lambda {
  readonly _jsonata_lambda: true;
  readonly input: unknown;
  readonly environment: Frame;
  readonly arguments: readonly Param[];
  readonly signature?: Signature | undefined;
  readonly body?: Code;
  /** Set on partial applications of native functions. */
  readonly native?: (...args: unknown[]) => unknown;
  readonly nativeParams?: readonly string[];
  /** Set on a tail call deferred to the trampoline. */
  readonly thunk?: boolean;
  readonly procedure?: Code;
  readonly args?: readonly Code[];
  readonly token?: string | undefined;
  readonly position?: number;
}

/** Lets host code call a lambda as the interpreter's lambdas are called: `lambda.apply(self, args)`. */
function applyLambda(this: Lambda, _self: unknown, args: unknown[]): unknown {
  return apply(this, args, this.input);
}

function makeLambda(fields: Omit<Lambda, "_jsonata_lambda">): Lambda {
  // Every lambda has the same fields in the same order, so they share one object shape.
  return {
    _jsonata_lambda: true,
    input: fields.input,
    environment: fields.environment,
    arguments: fields.arguments,
    signature: fields.signature,
    body: fields.body,
    native: fields.native,
    nativeParams: fields.nativeParams,
    thunk: fields.thunk,
    procedure: fields.procedure,
    args: fields.args,
    token: fields.token,
    position: fields.position,
    apply: applyLambda,
  } as Lambda;
}

/** A lambda closing over `input` and `env`. */
export function lambda(
  input: unknown,
  env: Frame,
  params: readonly Param[],
  signature: Signature | undefined,
  body: Code,
): Lambda {
  return makeLambda({ input, environment: env, arguments: params, signature, body });
}

/** A tail call, returned to the trampoline in `apply` rather than made on the stack. */
export function thunk(
  input: unknown,
  env: Frame,
  procedure: Code,
  args: readonly Code[],
  position: number,
  token?: string,
): Lambda {
  return makeLambda({ input, environment: env, arguments: [], thunk: true, procedure, args, position, token });
}

/** Applies a function to arguments, running any tail calls it returns in a loop. */
export function apply(proc: unknown, args: unknown[], input: unknown): unknown {
  let result = applyInner(proc, args, input);
  while (isLambda(result) && (result as Lambda).thunk === true) {
    const tail = result as Lambda;
    const next = tail.procedure!(tail.input, tail.environment);
    label(next, tail.position ?? 0, tail.token);
    const tailArgs = tail.args!.map((arg) => arg(tail.input, tail.environment));
    result = applyInner(next, tailArgs, input);
  }
  return result;
}

/** Where a function value was last called, for its errors (the interpreter records the same on it). */
interface CallSite {
  token?: unknown;
  position?: number;
}

function label(proc: unknown, position: number, token: unknown): void {
  if (proc === null || typeof proc !== "object") return;
  const site = proc as CallSite;
  if (token !== undefined) site.token = token;
  site.position = position;
}

function applyInner(proc: unknown, args: unknown[], input: unknown): unknown {
  try {
    return applyValidated(proc, args, input);
  } catch (err) {
    if (proc && isDecorable(err)) {
      const record = err as ErrorFields;
      const site = proc as CallSite;
      if (record.token === undefined && site.token !== undefined) record.token = site.token;
      const position = site.position || record.position;
      if (position !== undefined) record.position = position;
    }
    throw err;
  }
}

function applyValidated(proc: unknown, args: unknown[], input: unknown): unknown {
  const fast = proc ? (proc as NativeFunction).fast : undefined;
  if (fast !== undefined) {
    const answer = fast(args);
    if (answer !== SLOW) return answer;
  }
  const signature = proc ? (proc as { signature?: Signature }).signature : undefined;
  const validated = signature !== undefined ? signature.validate(args, input) : args;
  if (isLambda(proc)) return applyProcedure(proc as Lambda, validated);
  let result: unknown;
  if (proc && (proc as Dict)["_jsonata_function"] === true) {
    result = (proc as NativeFunction).implementation.apply(nativeFocus, validated);
    if (isIterable(result)) result = result.next().value;
  } else if (typeof proc === "function") {
    result = proc.apply(input, validated);
  } else {
    fail("T1006");
  }
  if (isPromise(result)) throw new AsyncResult();
  return result;
}

function isIterable(value: unknown): value is Iterator<unknown> {
  return (
    typeof value === "object" &&
    value !== null &&
    Symbol.iterator in value &&
    "next" in value &&
    typeof (value as Dict)["next"] === "function"
  );
}

const namesOfParams = new WeakMap<readonly Param[], readonly string[] | undefined>();

/** The names of a parameter list, remembered per list; undefined when a name repeats. */
function parameterNames(params: readonly Param[]): readonly string[] | undefined {
  if (namesOfParams.has(params)) return namesOfParams.get(params);
  const names = params.map((param) => param.value);
  const distinct = new Set(names).size === names.length ? names : undefined;
  namesOfParams.set(params, distinct);
  return distinct;
}

function applyProcedure(proc: Lambda, args: unknown[]): unknown {
  const guarded = state.ctx.guarded;
  if (guarded) enter();
  try {
    const names = parameterNames(proc.arguments);
    let env: Frame;
    if (names !== undefined) {
      const values = args.slice(0, names.length);
      values.length = names.length;
      env = frameOf(proc.environment, names, values);
    } else {
      env = frame(proc.environment);
      proc.arguments.forEach((param, index) => bind(env, param.value, args[index]));
    }
    if (proc.native !== undefined) {
      const nativeArgs = proc.nativeParams!.map((name) => lookup(env, name));
      const result = proc.native.apply(nativeFocus, nativeArgs);
      if (isPromise(result)) throw new AsyncResult();
      return result;
    }
    return proc.body!(proc.input, env);
  } finally {
    if (guarded) leave();
  }
}

/**
 * A function call `proc(args)`: `pathName` is the name when the procedure was written without
 * `$` (so T1005 can suggest it). Errors get the call's position and the function's name.
 */
export function call(
  proc: unknown,
  args: unknown[],
  input: unknown,
  env: Frame,
  position: number,
  token: string,
  pathName?: string,
): unknown {
  if (proc === undefined && pathName !== undefined && lookup(env, pathName)) {
    fail("T1005", { position, token: pathName });
  }
  label(proc, position, token);
  try {
    return apply(proc, args, input);
  } catch (err) {
    if (isDecorable(err)) {
      const record = err as ErrorFields;
      if (!record.position) record.position = position;
      if (!record.token) record.token = token;
    }
    throw err;
  }
}

/**
 * A call `$name(args)` to a built-in function with a fast path: the fast path when it handles
 * the arguments, else the full call; when a binding shadows the built-in, a call of the binding.
 * Errors are placed at the call as `call` places them.
 */
export function callBuiltin(
  proc: NativeFunction,
  args: unknown[],
  input: unknown,
  env: Frame,
  position: number,
  token: string,
): unknown {
  if (state.ctx.shadows) return call(global(token), args, input, env, position, token);
  label(proc, position, token);
  let answer: unknown;
  try {
    answer = proc.fast!(args);
  } catch (err) {
    if (isDecorable(err)) {
      const record = err as ErrorFields;
      if (record.token === undefined) record.token = token;
      record.position = position;
    }
    throw err;
  }
  return answer !== SLOW ? answer : call(proc, args, input, env, position, token);
}

/** `lhs ~> f(args)`: a call with the already evaluated `lhs` as first argument. */
export function callWith(
  first: unknown,
  proc: unknown,
  args: unknown[],
  input: unknown,
  env: Frame,
  position: number,
  token: string,
  pathName?: string,
): unknown {
  return call(proc, [first, ...args], input, env, position, token, pathName);
}

/** The marker the compiled form passes for a `?` placeholder in a partial application. */
export const placeholder: unique symbol = Symbol("?");

/** `proc(a, ?, b)`: a function of the `?` parameters. */
export function partial(
  args: unknown[],
  proc: unknown,
  env: Frame,
  position: number,
  token: string,
  pathName?: string,
): Lambda {
  if (proc === undefined && pathName !== undefined && lookup(env, pathName)) {
    fail("T1007", { position, token: pathName });
  }
  if (isLambda(proc)) return partialProcedure(proc as Lambda, args, env);
  if (proc && (proc as Dict)["_jsonata_function"] === true) {
    return partialNative((proc as NativeFunction).implementation, args, env);
  }
  if (typeof proc === "function") return partialNative(proc as (...a: unknown[]) => unknown, args, env);
  return fail("T1008", { position, token });
}

function partialProcedure(proc: Lambda, args: unknown[], env: Frame): Lambda {
  const bound = frame(proc.environment ?? env);
  const unbound: Param[] = [];
  proc.arguments.forEach((param, index) => {
    const arg = args[index];
    if (arg === placeholder) unbound.push(param);
    else bind(bound, param.value, arg);
  });
  const fields: Omit<Lambda, "_jsonata_lambda"> = { input: proc.input, environment: bound, arguments: unbound };
  if (proc.native !== undefined) return makeLambda({ ...fields, native: proc.native, nativeParams: proc.nativeParams! });
  return makeLambda({ ...fields, body: proc.body! });
}

function partialNative(native: (...args: unknown[]) => unknown, args: unknown[], env: Frame): Lambda {
  const names = nativeParameterNames(native);
  const shell = makeLambda({
    input: undefined,
    environment: env,
    arguments: names.map((value) => ({ value })),
    native,
    nativeParams: names,
  });
  return partialProcedure(shell, args, env);
}

function nativeParameterNames(native: (...args: unknown[]) => unknown): string[] {
  const inParens = /\(([^)]*)\)/.exec(native.toString())?.[1] ?? "";
  return inParens.split(",").map((name) => name.trim());
}

/** `f ~> g` for two functions: their composition. */
export function chain(first: unknown, second: unknown, env: Frame): Lambda {
  const scope = frame(env);
  bind(scope, "f", first);
  bind(scope, "g", second);
  return lambda(null, scope, [{ value: "x" }], undefined, (input, e) =>
    apply(lookup(e, "g"), [apply(lookup(e, "f"), [lookup(e, "x")], input)], input),
  );
}

/** `value ~> func` where func is not written as a call. */
export function applyTo(lhs: unknown, func: unknown, input: unknown, env: Frame, position: number): unknown {
  if (!isFunction(func)) fail("T2006", { position, value: func });
  if (isFunction(lhs)) return chain(lhs, func, env);
  return apply(func, [lhs], input);
}

/** The compiled parts of a transform `| pattern | update, delete |`. */
export interface TransformPlan {
  readonly pattern: Code;
  readonly update: Code;
  readonly remove?: Code;
  readonly position: number;
  readonly updatePosition: number;
  readonly removePosition: number;
  readonly signature: Signature;
}

/** The function a transform expression denotes. */
export function transform(plan: TransformPlan, env: Frame): NativeFunction {
  const implementation = (obj: unknown): unknown => {
    if (obj === undefined) return undefined;
    const clone = lookup(env, "clone");
    if (!isFunction(clone)) fail("T2013", { position: plan.position });
    const result = apply(clone, [obj], null);
    let matches = plan.pattern(result, env);
    if (matches === undefined) return result;
    if (!Array.isArray(matches)) matches = [matches];
    for (const match of matches as Dict[]) {
      const update = plan.update(match, env);
      if (update !== undefined) {
        if (typeof update !== "object" || update === null || Array.isArray(update)) {
          fail("T2011", { position: plan.updatePosition, value: update });
        }
        for (const prop of Object.keys(update)) match[prop] = (update as Dict)[prop];
      }
      if (plan.remove === undefined) continue;
      const deletions = plan.remove(match, env);
      if (deletions === undefined) continue;
      const list = Array.isArray(deletions) ? deletions : [deletions];
      if (!isArrayOfStrings(list)) fail("T2012", { position: plan.removePosition, value: deletions });
      for (const key of list) if (typeof match === "object" && match !== null) delete match[key];
    }
    return result;
  };
  return { _jsonata_function: true, implementation: implementation as (...a: unknown[]) => unknown, signature: plan.signature };
}
