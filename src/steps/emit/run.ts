/** Runs an emit step: the record becomes a canonical event for every route that triggers on it. */
import { keyOf } from "../../runtime/step-run.ts";
import type { StepRunner } from "../run-kind.ts";

/** The emit kind at run time. */
export const emitRunner: StepRunner<"emit"> = {
  kind: "emit",
  run(step, run, cx) {
    const { pipeline, event } = cx;
    for (const target of cx.process.canonicalRoutes.get(step.event) ?? []) {
      const key = keyOf(run.record, target.idempotencyKey) ?? `${pipeline.route}:${event.key}:${step.id}`;
      const orderingKey = target.orderingKey === undefined ? undefined : keyOf(run.record, target.orderingKey);
      const exceptions = target.policies.exceptions;
      run.emits.push({
        route: target.route,
        key,
        payload: run.record,
        source: `canonical:${step.event}`,
        traceId: event.traceId,
        ...(orderingKey !== undefined ? { orderingKey: `${target.route}|${orderingKey}` } : {}),
        ...(exceptions !== undefined ? { exceptions: { queue: exceptions.queue, owner: exceptions.owner } } : {}),
      });
    }
  },
};
