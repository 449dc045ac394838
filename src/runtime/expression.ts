/**
 * The seam between the runtime and the JSONata implementation. The project's ahead-of-time
 * compiler (src/transform, `compileExpression`) is synchronous and fast; where it is not loaded the
 * `jsonata` package is used, whose evaluation returns a Promise. The runtime therefore always
 * awaits `Transform.evaluate`, so a transform may return either a value or a Promise of one.
 */
import jsonata from "jsonata";
import type { Transform } from "./pipeline.ts";

/** A compiler from JSONata source to an evaluator, as src/transform exports it. */
export type ExpressionCompiler = (source: string) => {
  evaluate(input: unknown, bindings?: Readonly<Record<string, unknown>>): unknown;
};

let compiler: ExpressionCompiler | undefined;

/** Uses `compile` for every transform built after this call (tests and the AOT compiler). */
export function useExpressionCompiler(compile: ExpressionCompiler | undefined): void {
  compiler = compile;
}

/**
 * Loads src/transform's `compileExpression` when that module exists and exports it; returns
 * whether it did. Without it, transforms evaluate through the `jsonata` package.
 */
export async function loadExpressionCompiler(): Promise<boolean> {
  const location = new URL("../transform/index.ts", import.meta.url).href;
  try {
    const module = (await import(location)) as { compileExpression?: ExpressionCompiler };
    if (typeof module.compileExpression !== "function") return false;
    useExpressionCompiler(module.compileExpression);
    return true;
  } catch {
    return false;
  }
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
