/** Runs an emit step: the record becomes a canonical event for every route that triggers on it. */
import { incomingEvent, keyOf } from "../../runtime/incoming-event.ts";
import type { StepRunner } from "../run-kind.ts";

/** The emit kind at run time. */
export const emitRunner: StepRunner<"emit"> = {
  kind: "emit",
  run(step, run, cx) {
    const { pipeline, event } = cx;
    for (const target of cx.process.canonicalRoutes.get(step.event) ?? []) {
      const key = keyOf(run.record, target.idempotencyKey) ?? `${pipeline.route}:${event.key}:${step.id}`;
      // Shaped as intake shapes an offered event: the same keys, ordering key and exception queue.
      run.emits.push(incomingEvent(target, run.record, { key, source: `canonical:${step.event}`, traceId: event.traceId }));
    }
  },
};
