/**
 * Runs a reject step: the record is rejected with the step's reason code and message, and the
 * steps after it do not run. The message is the spec's sentence for a person; if it cannot be
 * evaluated the record is still rejected, with the evaluation error in its place, so a broken
 * message never turns a declared rejection into a lost or failed event. A declared release names
 * the kept record the rejection waits on; the store routes the event again once it holds the value.
 */
import { lookupKey } from "../../runtime/state/lookup.ts";
import { evaluate, type Run } from "../../runtime/step-run.ts";
import type { ReleaseCondition } from "../../runtime/store/roles/inbox.ts";
import type { RunStepOf, StepRunner } from "../run-kind.ts";

type Reject = RunStepOf<"reject">;

/** The message as a person reads it: a string as it is, any other value as JSON. */
function sentence(value: unknown): string {
  if (typeof value === "string") return value;
  return value === undefined ? "(the message expression gave nothing)" : JSON.stringify(value);
}

/**
 * The release the rejection waits on: the kept record keyed by the record's field. A record without
 * that field cannot be released on its own; the message says so and a person releases it.
 */
function releaseOf(step: Reject, run: Run): { release?: ReleaseCondition; note: string } {
  if (step.release === undefined) return { note: "" };
  const { entity, key, field, equals } = step.release;
  const found = lookupKey(run.record, key);
  if ("missing" in found) return { note: ` (not released on its own: the record has no ${key} to find its ${entity} by)` };
  return { release: { entity, key: found.key, field, equals }, note: "" };
}

function rejectWith(step: Reject, run: Run, message: string): void {
  const { release, note } = releaseOf(step, run);
  run.rejection = { step: step.id, reason: step.reason, message: `${message}${note}`, queue: step.queue, owner: step.owner, ...(release !== undefined ? { release } : {}) };
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
