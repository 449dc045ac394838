/**
 * The seam between the runtime and the JSONata implementation. By default every transform is
 * compiled to JavaScript by the project's ahead-of-time compiler (`syncspec/transform`), which is
 * synchronous and conformant with the interpreter; `useExpressionCompiler(undefined)` switches to
 * the `jsonata` package's interpreter, whose evaluation returns a Promise. The runtime always
 * awaits `Transform.evaluate`, so a transform may return either a value or a Promise of one.
 */
import jsonata from "jsonata";
import { compileExpression } from "../transform/index.ts";
import type { Transform } from "./pipeline.ts";

/** A compiler from JSONata source to an evaluator, as src/transform exports it. */
export type ExpressionCompiler = (source: string) => {
  evaluate(input: unknown, bindings?: Readonly<Record<string, unknown>>): unknown;
};

let compiler: ExpressionCompiler | undefined = compileExpression;

/** Uses `compile` for every transform built after this call (tests and the AOT compiler). */
export function useExpressionCompiler(compile: ExpressionCompiler | undefined): void {
  compiler = compile;
}

/** Restores the ahead-of-time compiler for every transform built after this call; returns true. */
export async function loadExpressionCompiler(): Promise<boolean> {
  useExpressionCompiler(compileExpression);
  return true;
}

/** Compiles one JSONata expression into a named transform; a syntax error throws. */
export function compileTransform(name: string, source: string): Transform {
  if (compiler !== undefined) {
    const compiled = compiler(source);
    return { name, evaluate: (input, bindings) => compiled.evaluate(input, bindings) };
  }
  const expression = jsonata(source);
  return { name, evaluate: (input, bindings) => expression.evaluate(input, bindings as Record<string, unknown> | undefined) };
}
