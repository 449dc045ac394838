/**
 * The demo runs a month in about a minute, so the spec set's clock is sped up: quotas are multiplied
 * and waits, back-offs and breaker resets divided by the same factor. Retries keep a floor so an
 * outage of a second or two is ridden out, as a real one of minutes would be.
 */
import type { CompiledSpecSet, PipelineDefinition, PipelineStep } from "../runtime/pipeline.ts";

/** One second of demo time stands for `factor` seconds of the firm's. */
export interface TimeScale {
  factor: number;
  /** The least back-off ceiling, so retries outlast the demo's outage. */
  minRetryCeilingMs: number;
}

/** The demo's default: an hour of the firm's time is a second. */
export const DEMO_SCALE: TimeScale = { factor: 3600, minRetryCeilingMs: 2000 };

function scaleSteps(steps: readonly PipelineStep[], scale: TimeScale): PipelineStep[] {
  return steps.map((step) => {
    if (step.kind === "require" && step.waitMs !== undefined) return { ...step, waitMs: Math.max(500, Math.round(step.waitMs / scale.factor)) };
    if (step.kind === "branch") return { ...step, branches: step.branches.map((b) => ({ ...b, steps: scaleSteps(b.steps, scale) })) };
    return step;
  });
}

function scalePipeline(pipeline: PipelineDefinition, scale: TimeScale): PipelineDefinition {
  const { retry, circuitBreaker } = pipeline.policies;
  return {
    ...pipeline,
    steps: scaleSteps(pipeline.steps, scale),
    policies: {
      ...pipeline.policies,
      ...(retry === undefined
        ? {}
        : {
            retry: {
              ...retry,
              initialDelayMs: Math.max(20, Math.round(retry.initialDelayMs / scale.factor)),
              maxDelayMs: Math.max(scale.minRetryCeilingMs, Math.round(retry.maxDelayMs / scale.factor)),
            },
          }),
      ...(circuitBreaker === undefined ? {} : { circuitBreaker: { ...circuitBreaker, resetAfterMs: Math.max(100, Math.round(circuitBreaker.resetAfterMs / scale.factor)) } }),
    },
  };
}

/** The compiled spec set with its clock sped up by `scale`. */
export function scaleSpecSet(compiled: CompiledSpecSet, scale: TimeScale): CompiledSpecSet {
  const systems = Object.fromEntries(
    Object.entries(compiled.systems).map(([name, system]) => {
      const quotas = system.quotas;
      return [
        name,
        {
          ...system,
          ...(quotas === undefined
            ? {}
            : {
                quotas: {
                  ...quotas,
                  requestsPerMinute: quotas.requestsPerMinute * scale.factor,
                  burst: Math.max(quotas.burst ?? 0, 200),
                  // Parallel calls stand in for the time a real month spreads them over.
                  ...(quotas.concurrency === undefined ? {} : { concurrency: quotas.concurrency * 4 }),
                  ...(quotas.requestsPerDay === undefined ? {} : { requestsPerDay: quotas.requestsPerDay * scale.factor }),
                },
              }),
        },
      ];
    }),
  );
  return { ...compiled, systems, pipelines: compiled.pipelines.map((p) => scalePipeline(p, scale)) };
}
