/**
 * The state of one evaluation: variable frames, the globals (bindings over built-ins), the
 * guardrails (stack depth, time limit, sequence length) and the timestamp `$now()` reports.
 * Evaluation is synchronous, so the current evaluation lives in one module-level slot that
 * `runEvaluation` saves and restores around each call (a bound function may evaluate another
 * compiled expression re-entrantly).
 */
import { fail } from "./errors.ts";
import type { Dict, Sequence, Tuple } from "./values.ts";

/**
 * A scope of variables; lookups walk to the enclosing frame, ending at the globals. Frames are
 * small (a lambda's parameters, a block's assignments), so names and values are parallel arrays
 * searched in order; `names` may be shared (a lambda's parameter names) until a `:=` adds one.
 */
export interface Frame {
  names: readonly string[];
  values: unknown[];
  owned: boolean;
  readonly p: Frame | undefined;
}

const noNames: readonly string[] = [];

/** Limits an evaluation must stay within; 0 or absent means no limit. */
export interface Guardrails {
  /** Milliseconds an evaluation may run before failing with D1012. */
  timeout?: number;
  /** Nesting depth of function application before failing with D1011. */
  stack?: number;
  /** Maximum length of a sequence before failing with D2015. */
  sequence?: number;
}

/** The evaluation in progress. */
export interface EvalContext {
  globals: Dict;
  /** Milliseconds since the epoch when the evaluation first asked the time (or the pinned time); undefined until then. */
  timestamp: number | undefined;
  depth: number;
  maxDepth: number;
  deadline: number;
  timeout: number;
  sequenceLimit: number;
  guarded: boolean;
  /** True when a binding has the name of a built-in function (so built-ins are looked up by name). */
  shadows: boolean;
}

/** The time evaluations started inside `atEvaluationTime` report as now, when one is set. */
let pinnedTime: number | undefined;

/** The time `atEvaluationTime` set for the evaluation being started, if any. */
export function pinnedEvaluationTime(): number | undefined {
  return pinnedTime;
}

/**
 * Runs `body` with every evaluation it starts reading `ms` (milliseconds since the epoch) as the
 * time: `$now()` and `$millis()` then give the same answer whenever the expression is evaluated
 * again for the same record. Compiled evaluation is synchronous, so the pin covers exactly
 * `body`'s call; an evaluation the interpreter runs (`$eval`, asynchronous bindings) is given the
 * pinned time as `$now` and `$millis` bindings when it starts.
 */
export function atEvaluationTime<T>(ms: number, body: () => T): T {
  const saved = pinnedTime;
  pinnedTime = ms;
  try {
    return body();
  } finally {
    pinnedTime = saved;
  }
}

function newContext(globals: Dict, limits: Guardrails, shadows = false): EvalContext {
  const timeout = limits.timeout ?? 0;
  const maxDepth = limits.stack ?? 0;
  return {
    globals,
    timestamp: pinnedTime,
    depth: 0,
    maxDepth,
    deadline: timeout > 0 ? Date.now() + timeout : 0,
    timeout,
    sequenceLimit: limits.sequence ?? 0,
    guarded: timeout > 0 || maxDepth > 0,
    shadows,
  };
}

/** The slot holding the evaluation in progress. */
export const state: { ctx: EvalContext } = { ctx: newContext(Object.create(null), {}) };

/**
 * Makes a new evaluation current with the given globals and limits; returns the one it
 * replaces, for `endEvaluation`.
 */
export function beginEvaluation(globals: Dict, limits: Guardrails, shadows: boolean): EvalContext {
  const saved = state.ctx;
  state.ctx = newContext(globals, limits, shadows);
  return saved;
}

/** Restores the evaluation `beginEvaluation` replaced. */
export function endEvaluation(saved: EvalContext): void {
  state.ctx = saved;
}

/** A root frame: top-level `:=` bind here; lookups fall through to the globals. */
export function rootFrame(): Frame {
  return { names: noNames, values: [], owned: false, p: undefined };
}

/** The evaluation's timestamp: taken once, so every `$now()` in one evaluation agrees. */
export function evaluationTime(): number {
  const c = state.ctx;
  c.timestamp ??= Date.now();
  return c.timestamp;
}

/** A new frame enclosed by `parent`. */
export function frame(parent: Frame): Frame {
  return { names: noNames, values: [], owned: false, p: parent };
}

/** A frame binding `names` (not copied) to `values`, enclosed by `parent`. */
export function frameOf(parent: Frame, names: readonly string[], values: unknown[]): Frame {
  return { names, values, owned: false, p: parent };
}

/** The frame binding each property of a tuple, enclosed by `parent`. */
export function frameFromTuple(parent: Frame, tuple: Tuple): Frame {
  const names = Object.keys(tuple);
  return { names, values: names.map((key) => tuple[key]), owned: true, p: parent };
}

/** The value of variable `name`, or undefined. */
export function lookup(env: Frame, name: string): unknown {
  for (let f: Frame | undefined = env; f !== undefined; f = f.p) {
    const names = f.names;
    for (let k = names.length - 1; k >= 0; k--) if (names[k] === name) return f.values[k];
  }
  return state.ctx.globals[name];
}

/** The value of a variable no scope of the expression binds: a binding or a built-in. */
export function global(name: string): unknown {
  return state.ctx.globals[name];
}

/** Binds `name` in `env` and returns the value (`$x := value`). */
export function bind(env: Frame, name: string, value: unknown): unknown {
  const names = env.names;
  for (let k = names.length - 1; k >= 0; k--) {
    if (names[k] === name) {
      env.values[k] = value;
      return value;
    }
  }
  const own = env.owned ? (names as string[]) : names.slice();
  own.push(name);
  env.names = own;
  env.owned = true;
  env.values[own.length - 1] = value;
  return value;
}

/** Checks the depth and time limits on entering a function application. */
export function enter(): void {
  const c = state.ctx;
  c.depth++;
  if (c.maxDepth > 0 && c.depth > c.maxDepth) fail("D1011", { value: c.maxDepth });
  if (c.deadline > 0 && Date.now() > c.deadline) fail("D1012", { value: c.timeout });
}

/** Leaves a function application entered with `enter`. */
export function leave(): void {
  state.ctx.depth--;
}

function limitedPush(this: Sequence, ...items: unknown[]): number {
  const limit = state.ctx.sequenceLimit;
  if (limit > 0 && this.length + items.length > limit) fail("D2015", { value: limit });
  return Array.prototype.push.apply(this, items);
}

/** An empty sequence (or one holding `item`), honouring the sequence length limit. */
export function createSequence(...item: unknown[]): Sequence {
  const seq: Sequence = [];
  if (state.ctx.sequenceLimit > 0) Object.defineProperty(seq, "push", { value: limitedPush, enumerable: false });
  seq.sequence = true;
  if (item.length === 1) seq.push(item[0]);
  return seq;
}

/**
 * The `this` the reference implementation's built-in functions expect: they only ask it for
 * `createSequence`, the options (the sequence limit) and the evaluation's timestamp.
 */
export const nativeFocus = {
  createSequence,
  get environment(): { timestamp: Date } {
    return { timestamp: new Date(evaluationTime()) };
  },
  get options(): Dict | undefined {
    const limit = state.ctx.sequenceLimit;
    return limit > 0 ? { sequence: limit } : undefined;
  },
};
