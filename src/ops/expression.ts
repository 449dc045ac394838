/**
 * The seam between operations code and JSONata: the runtime's `compileTransform`, which uses the
 * project's ahead-of-time compiler when it is loaded and the `jsonata` package otherwise. Results
 * are always awaited, since the package evaluates asynchronously.
 */
import { compileTransform, loadExpressionCompiler } from "../runtime/expression.ts";

/** An evaluator of one expression. */
export type Evaluate = (input: unknown, bindings?: Readonly<Record<string, unknown>>) => Promise<unknown>;

let loading: Promise<boolean> | undefined;

/** Compiles an expression; a syntax error throws with the expression's name. */
export async function compileExpression(name: string, source: string): Promise<Evaluate> {
  loading ??= loadExpressionCompiler();
  await loading;
  const transform = compileTransform(name, source);
  return async (input, bindings) => await transform.evaluate(input, bindings);
}
