/**
 * The runtime's registry of step kinds: one entry per kind, each from its folder's run.ts. The
 * engine runs a step through the entry of its kind and asks every entry what it needs at start-up;
 * it switches on no kind itself. A kind missing here is a type error.
 */
import type { RunStepOf, StepKind, StepRunner } from "./run-kind.ts";
import { branchRunner } from "./branch/run.ts";
import { classifyRunner } from "./classify/run.ts";
import { deliverRunner } from "./deliver/run.ts";
import { emitRunner } from "./emit/run.ts";
import { keepRunner } from "./keep/run.ts";
import { enrichRunner } from "./enrich/run.ts";
import { mapRunner } from "./map/run.ts";
import { rejectRunner } from "./reject/run.ts";
import { requireRunner } from "./require/run.ts";
import { validateRunner } from "./validate/run.ts";

/** Every step kind's runtime half, by kind. */
export const STEP_RUNNERS: { readonly [K in StepKind]: StepRunner<K> } = {
  validate: validateRunner,
  map: mapRunner,
  enrich: enrichRunner,
  classify: classifyRunner,
  branch: branchRunner,
  require: requireRunner,
  deliver: deliverRunner,
  reject: rejectRunner,
  emit: emitRunner,
  keep: keepRunner,
};

/** The runtime half of a step's kind. */
export function runnerOf<K extends StepKind>(kind: K): StepRunner<K> {
  return STEP_RUNNERS[kind];
}

/** The `entity\0system` cross-references a step looks up or waits for, as its kind declares them. */
export function xrefsOf<K extends StepKind>(step: RunStepOf<K>): readonly string[] {
  return runnerOf(step.kind as K).xrefs?.(step) ?? [];
}

/** The systems a step calls, as its kind declares them. */
export function targetsOf<K extends StepKind>(step: RunStepOf<K>): readonly string[] {
  return runnerOf(step.kind as K).targets?.(step) ?? [];
}
