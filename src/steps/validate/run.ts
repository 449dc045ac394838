/** Runs a validate step: the record must be valid against the entity, or the event goes to a person. */
import { StepFailure } from "../../runtime/step-run.ts";
import type { StepRunner } from "../run-kind.ts";

/** The validate kind at run time. */
export const validateRunner: StepRunner<"validate"> = {
  kind: "validate",
  run(step, run) {
    const result = step.validator(run.record);
    if (!result.valid) throw new StepFailure(`${step.entity} is invalid: ${result.errors.join("; ")}`);
  },
};
