/**
 * The runtime half of a step kind: how a step of that kind runs, and what the runtime must know
 * about it before the first event (the cross-references it looks up, the systems it calls). This
 * side imports only the runtime and the pipeline contract, never the compiler.
 */
import type { PipelineStep } from "../pipeline/definitions.ts";
import type { Run, StepRunContext } from "../runtime/step-run.ts";

/** The names of the step kinds. */
export type StepKind = PipelineStep["kind"];

/** The compiled step of one kind, as the runtime executes it. */
export type RunStepOf<K extends StepKind> = Extract<PipelineStep, { kind: K }>;

/** How the runtime treats one step kind. */
export interface StepRunner<K extends StepKind> {
  kind: K;
  /**
   * Runs the step over the run: changes the record, the classes or the lookups, adds deliveries or
   * canonical events, or sets the dependency the run waits for (the steps after it then wait too).
   * Throws a StepFailure for what a person must look at. Returns a promise only when it awaited.
   */
  run(step: RunStepOf<K>, run: Run, cx: StepRunContext): void | Promise<void>;
  /** The `entity\0system` cross-references the step looks up or waits for. */
  xrefs?(step: RunStepOf<K>): readonly string[];
  /** The systems the step calls. */
  targets?(step: RunStepOf<K>): readonly string[];
}
