/** Runs a classify step: the first rule that holds names the class, bound as `$class.<as>` afterwards. */
import { withField } from "../../runtime/objects.ts";
import { holds, type Run } from "../../runtime/step-run.ts";
import type { RunStepOf, StepRunner } from "../run-kind.ts";

type Classify = RunStepOf<"classify">;

function setClass(step: Classify, run: Run, value: string): void {
  run.classes = withField(run.classes, step.as, value) as Run["classes"];
  run.bound = undefined;
}

/** The rules from `from` on, once one of them has answered with a promise. */
async function classifyAwaiting(step: Classify, run: Run, from: number, pending: Promise<boolean>): Promise<void> {
  if (await pending) return setClass(step, run, step.rules[from]?.value ?? step.otherwise);
  for (const rule of step.rules.slice(from + 1)) {
    if (await holds(run, rule.when, run.record)) return setClass(step, run, rule.value);
  }
  setClass(step, run, step.otherwise);
}

/** The classify kind at run time; it awaits only a rule whose condition answers with a promise. */
export const classifyRunner: StepRunner<"classify"> = {
  kind: "classify",
  run(step, run) {
    for (const [index, rule] of step.rules.entries()) {
      const when = holds(run, rule.when, run.record);
      if (typeof when !== "boolean") return classifyAwaiting(step, run, index, when);
      if (when) return setClass(step, run, rule.value);
    }
    setClass(step, run, step.otherwise);
  },
};
