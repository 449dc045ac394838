/**
 * `compile`: the stages in order (load and check, lint with the policy's custom rules, emit) for one spec set. Errors from a
 * stage stop the ones after it, so nothing is emitted from specs that do not hold.
 */
import { sortDiagnostics, type Diagnostic } from "../diagnostics/diagnostic.ts";
import { lintProject } from "../lint/lint.ts";
import { type CompileProgress, loadProgram, type Program } from "../program.ts";
import { emitProgram, type EmittedFile } from "./emit.ts";

/** The outcome of compiling: the findings, and the files when no error stopped emission. */
export interface CompileResult {
  program: Program;
  diagnostics: Diagnostic[];
  /** Undefined when an error blocked emission. */
  files: EmittedFile[] | undefined;
}

/** How to compile. */
export interface CompileOptions {
  /** Whether the Policy's rule modules run (default true); false reports each as skipped. */
  ruleModules?: boolean;
  onProgress?: (progress: CompileProgress) => void;
}

/** Loads, checks, lints and emits the spec set at `paths` (the config's specs when empty). */
export async function compileSpecs(cwd: string, paths: readonly string[], options: CompileOptions = {}): Promise<CompileResult> {
  const { onProgress } = options;
  const program = loadProgram({ cwd, paths, ...(onProgress === undefined ? {} : { onProgress }) });
  if (!program.ok) return { program, diagnostics: [...program.diagnostics], files: undefined };
  const documents = program.documents.length;
  onProgress?.({ stage: "lint", done: 0, total: documents });
  const lint = await lintProject(program, options.ruleModules === undefined ? {} : { ruleModules: options.ruleModules });
  const diagnostics = sortDiagnostics([...program.diagnostics, ...lint]);
  if (lint.some((d) => d.severity === "error")) return { program, diagnostics, files: undefined };
  onProgress?.({ stage: "emit", done: 0, total: documents });
  return { program, diagnostics, files: emitProgram(program) };
}
