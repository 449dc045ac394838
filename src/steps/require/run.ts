/** Runs a require step: the run waits until the record it names exists in the system. */
import { DEFAULT_WAIT_MS, StepFailure, valueAt } from "../../runtime/step-run.ts";
import type { StepRunner } from "../run-kind.ts";

/** The require kind at run time. */
export const requireRunner: StepRunner<"require"> = {
  kind: "require",
  async run(step, run, cx) {
    const key = valueAt(run.record, step.key);
    if (key === undefined || key === null) throw new StepFailure(`require needs ${step.key}, which the record lacks`);
    const found = await cx.process.lookups.xref(step.entity, step.system, String(key));
    if (found === undefined) {
      run.wait = { entity: step.entity, system: step.system, key: String(key), waitMs: step.waitMs ?? DEFAULT_WAIT_MS, label: step.id };
    }
  },
  xrefs: (step) => [`${step.entity}\u0000${step.system}`],
};
