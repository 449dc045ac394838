/**
 * Runs an enrich step: looks a value up by a field of the record (a cross-reference, or reference
 * data) and adds it to the record and to the bindings of later expressions under `as`. A
 * cross-reference not there yet makes the run wait for it.
 */
import { DEFAULT_WAIT_MS, StepFailure, valueAt } from "../../runtime/step-run.ts";
import type { StepRunner } from "../run-kind.ts";

/** The enrich kind at run time. */
export const enrichRunner: StepRunner<"enrich"> = {
  kind: "enrich",
  async run(step, run, cx) {
    const key = valueAt(run.record, step.key);
    if (key === undefined || key === null) throw new StepFailure(`enrich needs ${step.key}, which the record lacks`);
    let value: unknown;
    if (step.lookup === "xref") {
      value = await cx.process.lookups.xref(step.entity, step.to ?? "", String(key), step.from);
      if (value === undefined) {
        run.wait = { entity: step.entity, system: step.to ?? "", key: String(key), waitMs: DEFAULT_WAIT_MS, label: step.id };
        return;
      }
    } else {
      value = await cx.process.lookups.referenceData(step.entity, String(key));
      if (value === undefined) throw new StepFailure(`no ${step.entity} reference data for ${String(key)}`);
    }
    run.record = { ...(run.record as Record<string, unknown>), [step.as]: value };
    run.lookups = { ...run.lookups, [step.as]: value };
    run.bound = undefined;
  },
  xrefs: (step) => (step.lookup === "xref" ? [`${step.entity}\u0000${step.to ?? ""}`] : []),
};
