/**
 * The lint stage's entry point, called by `spec lint` and `spec compile` after the front-end
 * stages succeed. The rule engine behind it lives beside this file.
 */
import type { Diagnostic } from "../diagnostics/diagnostic.ts";
import type { Program } from "../program.ts";

/** Options a caller may pass (baseline, severity threshold) as the engine grows them. */
export type LintOptions = Record<string, never>;

/** Lints a loaded program; returns the findings, sorted. */
export function lintProgram(_program: Program, _options: LintOptions = {}): Diagnostic[] {
  return [];
}
