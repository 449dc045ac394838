/**
 * Runs a keep step: the record at the step, valid against its entity, is added to the records
 * the event's settlement keeps, keyed by the entity's identity and versioned. The store applies it
 * with the event's deliveries, ignoring a version not above the one kept.
 */
import { lookupKey } from "../../runtime/state/lookup.ts";
import { StepFailure, valueAt } from "../../runtime/step-run.ts";
import type { StepRunner } from "../run-kind.ts";

/** A version as the store compares it: a number, or a date-time as milliseconds. */
function versionOf(value: unknown): number | undefined {
  if (typeof value === "number" && Number.isFinite(value)) return value;
  if (typeof value === "string") {
    const time = Date.parse(value);
    if (!Number.isNaN(time)) return time;
  }
  return undefined;
}

/** The keep kind at run time. */
export const keepRunner: StepRunner<"keep"> = {
  kind: "keep",
  run(step, run, cx) {
    const result = step.validator(run.record);
    if (!result.valid) throw new StepFailure(`step ${step.id}: the ${step.entity} to keep is invalid: ${result.errors.join("; ")}`);
    const key = lookupKey(run.record, step.identity);
    if ("missing" in key) throw new StepFailure(`step ${step.id}: the ${step.entity} to keep lacks its identity field ${key.missing}`);
    // Without a version field, the event that arrived last wins: inbox ids grow in arrival order.
    const raw = step.version === undefined ? cx.event.id : valueAt(run.record, step.version);
    const version = versionOf(raw);
    if (version === undefined) {
      throw new StepFailure(`step ${step.id}: the ${step.entity} ${key.key} to keep has no version: ${step.version} gave ${JSON.stringify(raw) ?? "nothing"}`);
    }
    run.records.push({ entity: step.entity, key: key.key, version, value: run.record });
  },
};
