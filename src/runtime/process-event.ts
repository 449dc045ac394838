/**
 * Running a pipeline over one leased event: the steps in order, each through its kind's runtime
 * half (src/steps/run-registry.ts), collecting the deliveries and canonical events it produces.
 * Nothing here writes: the result is a settlement the store commits in one transaction with the
 * outbox rows.
 */
import type { StepKind } from "../steps/run-kind.ts";
import { runnerOf, targetsOf, xrefsOf } from "../steps/run-registry.ts";
import { reverseUnposted } from "../steps/deliver/correct.ts";
import { PostingUnsettledError, StoreUnavailableError } from "./errors.ts";
import { ignoredVersion, revisionOf } from "./versioning.ts";
import { everyStep, type PipelineDefinition, type PipelineStep } from "./pipeline.ts";
import { holds, type LookupCache, type ProcessContext, type Run, StepFailure, type StepRunContext } from "./step-run.ts";
import type { RecordFound } from "./store/roles/state.ts";
import type { ClaimedEvent, EventSettlement, IgnoredVersion, Store } from "./store/store.ts";

export { keyOf, type LookupCache, type ProcessContext, valueAt } from "./step-run.ts";

/** A cache over the store for one batch. */
export function lookupCache(store: Store): LookupCache {
  const xrefs = new Map<string, Promise<string | undefined>>();
  const data = new Map<string, Promise<unknown>>();
  const records = new Map<string, Promise<RecordFound>>();
  return {
    xref(entity, toSystem, fromId, fromSystem) {
      const key = `${entity}\u0000${toSystem}\u0000${fromId}\u0000${fromSystem ?? ""}`;
      let found = xrefs.get(key);
      if (found === undefined) {
        found = store.findXref(entity, toSystem, fromId, fromSystem);
        xrefs.set(key, found);
      }
      return found;
    },
    referenceData(entity, key) {
      const id = `${entity}\u0000${key}`;
      let found = data.get(id);
      if (found === undefined) {
        found = store.referenceData(entity, key);
        data.set(id, found);
      }
      return found;
    },
    posting: (route, identity, system) => store.findPosting(route, identity, system),
    postingDelivery: (route, identity, system) => store.postingDelivery(route, identity, system),
    records: (entity, match) => store.findRecords(entity, match),
    record(entity, key, asOf) {
      const id = `${entity}\u0000${key}\u0000${asOf ?? ""}`;
      let found = records.get(id);
      if (found === undefined) {
        found = store.findRecord(entity, key, asOf);
        records.set(id, found);
      }
      return found;
    },
  };
}

/** The `entity\0system` pairs the pipelines wait for or look up, as each step kind declares them. */
export function xrefsNeeded(pipelines: Iterable<PipelineDefinition>): Set<string> {
  const needed = new Set<string>();
  for (const pipeline of pipelines) {
    for (const step of everyStep(pipeline.steps)) for (const pair of xrefsOf(step)) needed.add(pair);
  }
  return needed;
}

/** Per route, the systems its steps call (in branches too), as each step kind declares them. */
export function routeTargets(pipelines: Iterable<PipelineDefinition>): Record<string, string[]> {
  const targets: Record<string, string[]> = {};
  for (const pipeline of pipelines) targets[pipeline.route] = pipelineTargets(pipeline);
  return targets;
}

/** The systems one route's steps call (in branches too). */
function pipelineTargets(pipeline: PipelineDefinition): string[] {
  const systems = new Set<string>();
  for (const step of everyStep(pipeline.steps)) for (const system of targetsOf(step)) systems.add(system);
  return [...systems];
}

/**
 * For a versioned record: why the event is ignored (a stale version, a duplicate) or why it
 * cannot be routed (no identity or version); otherwise its revision is set on the run.
 */
async function readRevision(cx: ProcessContext, pipeline: PipelineDefinition, event: ClaimedEvent, run: Run): Promise<{ reason: string; ignored: IgnoredVersion } | { problem: string } | undefined> {
  const revision = revisionOf(pipeline, event.payload);
  if (revision === undefined || "problem" in revision) return revision;
  const ignored = await ignoredVersion(cx.lookups, pipeline.route, pipelineTargets(pipeline), revision);
  if (ignored !== undefined) return ignored;
  run.revision = revision;
  return undefined;
}

/** How long an event whose lookup found the store unavailable waits before it is routed again. */
const STORE_RETRY_MS = 1_000;
/** How long a correction waits for an earlier version's posting still being delivered. */
const UNSETTLED_RETRY_MS = 5_000;

/** Runs one step through its kind's runtime half; a promise only when the step awaited. */
function runStep<K extends StepKind>(step: Extract<PipelineStep, { kind: K }>, run: Run, cx: StepRunContext): void | Promise<void> {
  return runnerOf(step.kind as K).run(step, run, cx);
}

/** Whether the event is the void event of the route's versioned record. */
function isVoid(pipeline: PipelineDefinition, event: ClaimedEvent): boolean {
  const declared = pipeline.versioning?.void;
  return declared !== undefined && event.source === `${declared.system}.${declared.event}`;
}

/** Where the steps of one run over one event run. */
function stepContext(cx: ProcessContext, pipeline: PipelineDefinition, event: ClaimedEvent, run: Run): StepRunContext {
  return { process: cx, pipeline, event, runSteps: (nested) => runSteps(cx, pipeline, event, nested, run) };
}

async function runSteps(cx: ProcessContext, pipeline: PipelineDefinition, event: ClaimedEvent, steps: readonly PipelineStep[], run: Run): Promise<void> {
  const stepCx = stepContext(cx, pipeline, event, run);
  for (const step of steps) {
    // A rejected record goes no further; a waiting one resumes from the start once its dependency is there.
    if (run.wait !== undefined || run.rejection !== undefined) return;
    if (step.when !== undefined) {
      const when = holds(run, step.when, run.record);
      if (!(typeof when === "boolean" ? when : await when)) continue;
    }
    const ended = cx.onStep?.(step);
    try {
      const done = runStep(step, run, stepCx);
      if (done !== undefined) await done;
    } catch (error) {
      ended?.(error);
      throw error;
    }
    ended?.();
  }
}

/** Runs the event's pipeline and returns how to settle it. Never throws. */
export async function processEvent(cx: ProcessContext, event: ClaimedEvent): Promise<EventSettlement> {
  const base = { eventId: event.id, attempt: event.attempt, worker: cx.worker, now: cx.now };
  const pipeline = cx.pipelines.get(event.route);
  const exceptions = pipeline?.policies.exceptions;
  const issue = (reason: string) => ({ queue: exceptions?.queue ?? `${event.route}-exceptions`, owner: exceptions?.owner ?? "unassigned", reason });
  if (pipeline === undefined) return { ...base, outcome: "exception", issue: issue(`route ${event.route} is not in the loaded spec set`) };
  const run: Run = { record: event.payload, at: event.receivedAt, classes: {}, lookups: {}, deliveries: [], emits: [], records: [] };
  const voiding = isVoid(pipeline, event);
  try {
    // The void event is not the trigger's: the trigger's condition is about the records it posts.
    const triggered = pipeline.trigger.kind === "schedule" || voiding ? true : holds(run, pipeline.trigger.when, event.payload, { class: {} });
    if (!(typeof triggered === "boolean" ? triggered : await triggered)) return { ...base, outcome: "skipped", reason: "the trigger's condition does not hold" };
    const revision = await readRevision(cx, pipeline, event, run);
    if (revision !== undefined) {
      return "ignored" in revision ? { ...base, outcome: "skipped", reason: revision.reason, ignoredVersion: revision.ignored } : { ...base, outcome: "exception", issue: issue(revision.problem) };
    }
    const corrections = stepContext(cx, pipeline, event, run);
    if (voiding) {
      run.voided = true;
      if ((await reverseUnposted(run, corrections, "voided")) === 0) return { ...base, outcome: "skipped", reason: `void of ${run.revision?.identity}: nothing stands posted to reverse` };
    } else {
      await runSteps(cx, pipeline, event, pipeline.steps, run);
      // A newer version that no longer reaches a step that posted (no longer billable) takes that posting back.
      if (run.revision !== undefined && run.wait === undefined && run.rejection === undefined) await reverseUnposted(run, corrections, "reversed");
    }
  } catch (error) {
    // A store that could not be reached is no fault of the event: it is given back and routed again.
    if (error instanceof StoreUnavailableError) return { ...base, outcome: "release", availableAt: cx.now + STORE_RETRY_MS };
    // A correction waits for the earlier version's posting to settle: nothing was sent.
    if (error instanceof PostingUnsettledError) return { ...base, outcome: "release", availableAt: cx.now + UNSETTLED_RETRY_MS };
    const reason = error instanceof StepFailure ? error.message : `the pipeline failed: ${(error as Error).message ?? String(error)}`;
    return { ...base, outcome: "exception", issue: issue(reason), ...(run.failedCorrection !== undefined ? { correction: run.failedCorrection } : {}) };
  }
  if (run.rejection !== undefined) {
    const { step, reason, message, queue, owner, release } = run.rejection;
    return { ...base, outcome: "rejected", issue: { queue, owner, reason: `${reason}: ${message}`, code: reason, step }, ...(release !== undefined ? { release } : {}) };
  }
  if (run.wait !== undefined) {
    const { waitMs, label, ...dependency } = run.wait;
    if (event.waitUntil !== null && cx.now >= event.waitUntil) {
      return { ...base, outcome: "exception", issue: issue(`step ${label}: ${dependency.entity} ${dependency.key} did not reach ${dependency.system} in time`) };
    }
    return { ...base, outcome: "waiting", dependency, until: event.waitUntil ?? cx.now + waitMs };
  }
  // Written out rather than spread from `base`: every event ends here (see objects.ts).
  const { id: eventId, attempt } = event;
  if (run.records.length > 0) return { eventId, attempt, worker: cx.worker, now: cx.now, outcome: "routed", deliveries: run.deliveries, emits: run.emits, records: run.records };
  return { eventId, attempt, worker: cx.worker, now: cx.now, outcome: "routed", deliveries: run.deliveries, emits: run.emits };
}
