/**
 * `syncspec/transform`: JSONata expressions compiled ahead of time to plain JavaScript.
 *
 * `compileExpression` parses with the `jsonata` package's own parser, generates a JavaScript
 * function from the AST and returns an evaluator that is synchronous unless an asynchronous
 * function is bound. `emitModule` writes the same code as a standalone ES module that imports
 * its runtime from this package, for the code generator to commit under generated/.
 * Expressions using `$eval` are evaluated by the interpreter (`mode: "interpreted"`).
 *
 * Meaning is the interpreter's: built-ins that never call back are the `jsonata` package's own
 * implementations; the rest of the runtime ports its evaluator rules (sequences, singleton
 * arrays, tuple streams, error codes, positions and tokens). Guardrails: `stack` counts nested
 * function applications (D1011, also raised for a host stack overflow), `timeout` is checked on
 * each application (D1012), `sequence` bounds sequence lengths (D2015), ranges stop at 1e7
 * (D2014), tail calls run in a loop. Regular expressions cannot hang: see runtime/regex.ts.
 * When a bound function returns a promise mid-evaluation, the evaluation is run again by the
 * interpreter (so such a function may be called twice); bound `async` functions go to the
 * interpreter directly.
 */
import jsonata from "jsonata";
import { mentionsEval, parse } from "./codegen/ast.ts";
import { literal } from "./codegen/emitter.ts";
import { generate } from "./codegen/generate.ts";
import { builtins, clockBindings } from "./runtime/builtins.ts";
import {
  beginEvaluation,
  createSequence,
  endEvaluation,
  type Frame,
  type Guardrails,
  pinnedEvaluationTime,
  rootFrame,
} from "./runtime/context.ts";
import { AsyncResult, TransformError, toTransformError } from "./runtime/errors.ts";
import { runtime } from "./runtime/index.ts";
import { isSequence, type Sequence } from "./runtime/values.ts";

export { atEvaluationTime } from "./runtime/context.ts";
export { TransformError } from "./runtime/errors.ts";
export { regexLimits } from "./runtime/regex.ts";
export { type Runtime, runtime } from "./runtime/index.ts";

/** Options of `compileExpression`: the interpreter's guardrails. */
export interface CompileOptions extends Guardrails {}

/** How an expression is evaluated. */
export type EvaluationMode = "compiled" | "interpreted";

/** A compiled expression. */
export interface CompiledExpression {
  /**
   * Evaluates against `input` with variables `bindings`. Returns the value (undefined when the
   * expression selects nothing), or a promise in interpreted mode or when a bound function is
   * asynchronous. Errors are `TransformError`s carrying JSONata's code.
   */
  evaluate(input: unknown, bindings?: Record<string, unknown>): unknown;
  /** `compiled`, or `interpreted` for expressions that need `$eval`. */
  readonly mode: EvaluationMode;
  /** The generated JavaScript, as the ES module `emitModule` writes. */
  readonly source: string;
  /** The JSONata expression. */
  readonly expression: string;
}

/** The compiled body of an expression: a function of (input, frame). */
export type CompiledBody = (input: unknown, env: Frame) => unknown;

function interpreter(expression: string, options: CompileOptions): (input: unknown, bindings?: Record<string, unknown>) => Promise<unknown> {
  const compiled = jsonata(expression, options);
  return (input, bindings) => {
    const at = pinnedEvaluationTime();
    return compiled.evaluate(input, at === undefined ? bindings : { ...clockBindings(at), ...bindings }).catch((err: unknown) => {
      throw toTransformError(err);
    });
  };
}

function isAsyncFunction(value: unknown): boolean {
  return typeof value === "function" && value.constructor.name === "AsyncFunction";
}

/**
 * The evaluator of a compiled body. Generated modules call this; so does `compileExpression`.
 * `expression` is the JSONata source, used when evaluation has to wait for a bound function.
 */
export function createEvaluator(
  body: CompiledBody,
  expression: string,
  options: CompileOptions = {},
): (input: unknown, bindings?: Record<string, unknown>) => unknown {
  let fallback: ((input: unknown, bindings?: Record<string, unknown>) => Promise<unknown>) | undefined;
  const interpret = (input: unknown, bindings?: Record<string, unknown>) => {
    fallback ??= interpreter(expression, options);
    return fallback(input, bindings);
  };
  return (input, bindings) => {
    const globals = Object.create(builtins) as Record<string, unknown>;
    let shadows = false;
    if (bindings !== undefined) {
      for (const key of Object.keys(bindings)) {
        if (isAsyncFunction(bindings[key])) return interpret(input, bindings);
        if (key in builtins) shadows = true;
        globals[key] = bindings[key];
      }
    }
    globals["$"] = input;
    const saved = beginEvaluation(globals, options, shadows);
    try {
      let context = input;
      if (Array.isArray(input) && !isSequence(input)) {
        const wrapped: Sequence = createSequence(input);
        wrapped.outerWrapper = true;
        context = wrapped;
      }
      return body(context, rootFrame());
    } catch (err) {
      if (err instanceof AsyncResult) return interpret(input, bindings);
      throw toTransformError(err);
    } finally {
      endEvaluation(saved);
    }
  };
}

/** The evaluator of an expression that the interpreter runs (`$eval`). */
export function createInterpretedEvaluator(
  expression: string,
  options: CompileOptions = {},
): (input: unknown, bindings?: Record<string, unknown>) => Promise<unknown> {
  return interpreter(expression, options);
}

function parseOrThrow(expression: string) {
  try {
    return parse(expression);
  } catch (err) {
    throw toTransformError(err);
  }
}

/** Options of `emitModule`. */
export interface EmitOptions {
  /** The first line of the module, e.g. `// @generated by syncspec from specs/x.yaml. Do not edit.` */
  readonly header?: string;
  /** The module the runtime is imported from; "syncspec/transform" by default. */
  readonly runtimeModule?: string;
}

/**
 * The compiled form of `expression` as a standalone ES module exporting `expression`, `mode` and
 * `evaluate(input, bindings?, options?)`. Deterministic: the same expression gives the same text.
 */
export function emitModule(expression: string, options: EmitOptions = {}): string {
  const root = parseOrThrow(expression);
  return moduleSource(expression, mentionsEval(root) ? undefined : generate(root).body, options);
}

/** The text `emitModule` writes, for an expression and its generated body (none: interpreted). */
function moduleSource(expression: string, body: string | undefined, options: EmitOptions): string {
  const from = literal(options.runtimeModule ?? "syncspec/transform");
  const lines = options.header !== undefined ? [options.header] : [];
  if (body === undefined) {
    lines.push(
      `import { createInterpretedEvaluator } from ${from};`,
      `export const expression = ${literal(expression)};`,
      `export const mode = "interpreted";`,
      "const standard = createInterpretedEvaluator(expression);",
      "export function evaluate(input, bindings, options) {",
      "  return options === undefined ? standard(input, bindings) : createInterpretedEvaluator(expression, options)(input, bindings);",
      "}",
    );
    return `${lines.join("\n")}\n`;
  }
  lines.push(
    `import { createEvaluator, runtime } from ${from};`,
    `export const expression = ${literal(expression)};`,
    `export const mode = "compiled";`,
    `export const body = ((R) => {\n${body}\n})(runtime);`,
    "const standard = createEvaluator(body, expression);",
    "export function evaluate(input, bindings, options) {",
    "  return options === undefined ? standard(input, bindings) : createEvaluator(body, expression, options)(input, bindings);",
    "}",
  );
  return `${lines.join("\n")}\n`;
}

/** Compiles a JSONata expression. Syntax errors throw a `TransformError` with their S0xxx code. */
export function compileExpression(expression: string, options: CompileOptions = {}): CompiledExpression {
  const root = parseOrThrow(expression);
  if (mentionsEval(root)) {
    const source = moduleSource(expression, undefined, {});
    return { evaluate: interpreter(expression, options), mode: "interpreted", source, expression };
  }
  const { body } = generate(root);
  const source = moduleSource(expression, body, {});
  const factory = new Function("R", body) as (r: typeof runtime) => CompiledBody;
  return { evaluate: createEvaluator(factory(runtime), expression, options), mode: "compiled", source, expression };
}

/** True when `err` is an evaluation error with JSONata code `code`. */
export function hasErrorCode(err: unknown, code: string): boolean {
  return err instanceof TransformError && err.code === code;
}
