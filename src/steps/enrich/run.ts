/**
 * Runs an enrich step: looks a value up by fields of the record (a cross-reference, or reference
 * data and records kept from events, possibly as of a date) and adds it to the record and to the
 * bindings of later expressions under `as`. A cross-reference not there yet, or a kept record when
 * the step waits for it, makes the run wait. A `records` lookup adds every kept record that
 * matches, as a list by key: none is an empty list, for the route to guard.
 */
import { withField } from "../../runtime/objects.ts";
import { lookUpRecord, lookupKey } from "../../runtime/state/lookup.ts";
import { DEFAULT_WAIT_MS, StepFailure } from "../../runtime/step-run.ts";
import type { StepRunner } from "../run-kind.ts";

/** The enrich kind at run time. */
export const enrichRunner: StepRunner<"enrich"> = {
  kind: "enrich",
  async run(step, run, cx) {
    let value: unknown;
    if (step.lookup === "xref") {
      const key = lookupKey(run.record, step.key);
      if ("missing" in key) throw new StepFailure(`enrich needs ${key.missing}, which the record lacks`);
      value = await cx.process.lookups.xref(step.entity, step.to ?? "", key.key, step.from);
      if (value === undefined) {
        run.wait = { entity: step.entity, system: step.to ?? "", key: key.key, waitMs: DEFAULT_WAIT_MS, label: step.id };
        return;
      }
    } else if (step.lookup === "records") {
      const match: Record<string, string> = {};
      for (const [i, path] of (typeof step.key === "string" ? [step.key] : step.key).entries()) {
        const value = lookupKey(run.record, path);
        if ("missing" in value) throw new StepFailure(`enrich needs ${value.missing}, which the record lacks`);
        match[step.match?.[i] ?? path] = value.key;
      }
      value = (await cx.process.lookups.records(step.entity, match)).map((r) => r.value);
    } else {
      const outcome = await lookUpRecord(cx.process.lookups, step, run.record);
      if (outcome.kind === "failed") throw new StepFailure(outcome.reason);
      if (outcome.kind === "wait") {
        run.wait = { ...outcome.dependency, waitMs: outcome.waitMs, label: step.id };
        return;
      }
      value = outcome.value;
    }
    run.record = withField(run.record as Record<string, unknown>, step.as, value);
    run.lookups = withField(run.lookups, step.as, value);
    run.bound = undefined;
  },
  xrefs: (step) => (step.lookup === "xref" ? [`${step.entity}\u0000${step.to ?? ""}`] : []),
};
