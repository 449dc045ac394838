/** Runs a branch step: the steps of the first branch whose condition holds (an absent one always holds). */
import { holds } from "../../runtime/step-run.ts";
import type { StepRunner } from "../run-kind.ts";

/** The branch kind at run time. */
export const branchRunner: StepRunner<"branch"> = {
  kind: "branch",
  async run(step, run, cx) {
    for (const branch of step.branches) {
      if (await holds(run, branch.when, run.record)) {
        await cx.runSteps(branch.steps);
        return;
      }
    }
  },
};
