/**
 * The seam to the JSONata compiler: each expression becomes an ES module (`*.expr.js`) written by
 * src/transform's `emitModule`, with a declaration file beside it so TypeScript code imports it
 * typed. `emitModule` writes every part of the expression as an escaped literal.
 */
import { emitModule } from "../../../transform/index.ts";

/** The JavaScript module compiled from one JSONata expression. */
export function expressionModule(expression: string, header: string): string {
  return emitModule(expression, { header });
}

/** The declaration file beside an expression module. */
export const EXPRESSION_DECLARATIONS = [
  "/** The JSONata expression this module was compiled from. */",
  "export declare const expression: string;",
  "/** `compiled`, or `interpreted` for expressions that need `$eval`. */",
  'export declare const mode: "compiled" | "interpreted";',
  "/** Evaluates the expression; `bindings` are its `$name` variables. */",
  "export declare function evaluate(input: unknown, bindings?: Readonly<Record<string, unknown>>, options?: object): unknown;",
];
