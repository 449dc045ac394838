/**
 * The seam between custom JSONata rules and an evaluator: the project's ahead-of-time JSONata
 * compiler, with the `jsonata` interpreter as the fallback for anything it declines.
 */
import jsonata from "jsonata";
import { compileExpression } from "../../transform/index.ts";

/** A predicate ready to evaluate against a document. */
export type Predicate = (input: unknown, bindings: Record<string, unknown>) => Promise<unknown>;

/** Limits on one evaluation, so a runaway assertion fails with a finding instead of hanging the run. */
const GUARDRAILS = { timeout: 2000, stack: 500, sequence: 1_000_000 };

/** Compiles a JSONata text; throws JSONata's error when it does not parse. */
export function compilePredicate(source: string): Predicate {
  try {
    const compiled = compileExpression(source, GUARDRAILS);
    return async (input, bindings) => await compiled.evaluate(input, bindings);
  } catch (error) {
    // A syntax error is the user's and is reported; anything else falls back to the interpreter.
    const interpreted = jsonata(source);
    if ((error as { code?: string }).code?.startsWith("S0") === true) throw error;
    return (input, bindings) => interpreted.evaluate(input, bindings);
  }
}
