/**
 * Runs a reject step: the record is rejected with the step's reason code and message, and the
 * steps after it do not run. The message is the spec's sentence for a person; if it cannot be
 * evaluated the record is still rejected, with the evaluation error in its place, so a broken
 * message never turns a declared rejection into a lost or failed event.
 */
import { evaluate, type Run } from "../../runtime/step-run.ts";
import type { RunStepOf, StepRunner } from "../run-kind.ts";

type Reject = RunStepOf<"reject">;

/** The message as a person reads it: a string as it is, any other value as JSON. */
function sentence(value: unknown): string {
  if (typeof value === "string") return value;
  return value === undefined ? "(the message expression gave nothing)" : JSON.stringify(value);
}

function rejectWith(step: Reject, run: Run, message: string): void {
  run.rejection = { step: step.id, reason: step.reason, message, queue: step.queue, owner: step.owner };
}

function failed(step: Reject, run: Run, error: unknown): void {
  rejectWith(step, run, `the message of step ${step.id} could not be evaluated: ${(error as Error).message ?? String(error)}`);
}

/** The reject kind at run time. */
export const rejectRunner: StepRunner<"reject"> = {
  kind: "reject",
  run(step, run) {
    let value: unknown;
    try {
      value = evaluate(run, step.message, run.record);
    } catch (error) {
      return failed(step, run, error);
    }
    if (value instanceof Promise) {
      return value.then(
        (resolved) => rejectWith(step, run, sentence(resolved)),
        (error: unknown) => failed(step, run, error),
      );
    }
    rejectWith(step, run, sentence(value));
  },
};
