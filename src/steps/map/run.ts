/** Runs a map step: the mapping's output becomes the record. */
import { evaluate, StepFailure } from "../../runtime/step-run.ts";
import type { Run } from "../../runtime/step-run.ts";
import type { RunStepOf, StepRunner } from "../run-kind.ts";

function mapped(step: RunStepOf<"map">, run: Run, value: unknown): void {
  run.record = value;
  if (run.record === undefined) throw new StepFailure(`mapping ${step.mapping} produced nothing`);
}

/** The map kind at run time. */
export const mapRunner: StepRunner<"map"> = {
  kind: "map",
  run(step, run) {
    const value = evaluate(run, step.transform, run.record);
    return value instanceof Promise ? value.then((v) => mapped(step, run, v)) : mapped(step, run, value);
  },
};
