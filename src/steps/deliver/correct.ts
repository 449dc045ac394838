/**
 * Corrections at run time. A newer version of a versioned record corrects what a deliver step
 * posted for the earlier one, as the step declares: `reverse` adds the reversal (its mapping sees
 * `$previous`) and holds the new posting behind it (`NewDelivery.after`), so a reversal that
 * fails holds the posting and nothing is posted twice; `adjust` and `update` send their call in
 * place of the new posting. The record's void event, and a newer version whose run no longer
 * reaches a step that posted, reverse what stands posted and post nothing. A correction whose
 * `$previous` is gone (the outbox shows a delivered posting the postings no longer hold) fails
 * the event into the route's exception queue: never a blind repost.
 */
import { sha256 } from "../../runtime/store/canonical-json.ts";
import type { DeliveredRecord, NewDelivery } from "../../runtime/store/roles/inbox.ts";
import type { Posting, Withdrawal } from "../../runtime/store/roles/postings.ts";
import { requestProblem } from "../../runtime/delivery/check-request.ts";
import { PostingUnsettledError } from "../../runtime/errors.ts";
import { everyStep } from "../../runtime/pipeline.ts";
import { correctionStep } from "../../runtime/versioning.ts";
import { bindings, evaluate, type Run, StepFailure, type StepRunContext } from "../../runtime/step-run.ts";
import type { RunStepOf } from "../run-kind.ts";
import { pathParams } from "./path-params.ts";

type Deliver = RunStepOf<"deliver">;
type Correction = NonNullable<Deliver["correction"]>;

/** `$previous` as a correction's mapping and parameters read it. */
interface Previous {
  body: unknown;
  targetId: string | null;
  version: Posting["version"];
}

/**
 * What stands posted to the step's target for the run's record: the posting, or undefined when
 * nothing does (never posted, or taken back). A posting the outbox shows delivered but the store
 * no longer holds fails the step; one still being delivered has the event routed again later.
 */
export async function standingPosting(step: Deliver, run: Run, cx: StepRunContext): Promise<Posting | undefined> {
  const revision = run.revision;
  if (revision === undefined) return undefined;
  const { route } = cx.pipeline;
  const posting = await cx.process.lookups.posting(route, revision.identity, step.system);
  if (posting !== undefined) return posting.withdrawn === undefined ? posting : undefined;
  const delivery = await cx.process.lookups.postingDelivery(route, revision.identity, step.system);
  if (delivery === undefined) return undefined;
  if (delivery === "delivered") {
    // Settled between the two reads: the posting is written in the transaction that marks its
    // delivery delivered, so it is there now unless it is truly gone.
    const settled = await cx.process.lookups.posting(route, revision.identity, step.system);
    if (settled !== undefined) return settled.withdrawn === undefined ? settled : undefined;
  }
  const which = `${revision.identity} (version ${JSON.stringify(revision.version)})`;
  if (delivery !== "open") run.failedCorrection = { system: step.system, kind: step.correction?.kind ?? "reverse" };
  if (delivery === "open") throw new PostingUnsettledError(`step ${step.id}: an earlier version of ${which} is still being posted to ${step.system}; the correction waits for it`);
  if (delivery === "failed") {
    throw new StepFailure(`step ${step.id}: an earlier version of ${which} failed to post to ${step.system} and is not settled; settle its dead letter or exception first, then retry this one`);
  }
  throw new StepFailure(
    `step ${step.id}: cannot correct ${which} at ${step.system}: the record of what was posted there ($previous) is gone, though the outbox shows it delivered; nothing is sent (a repost would post twice)`,
  );
}

/** The correction's body: its mapping over the record with `$previous` bound, or the record. */
function correctionBody(run: Run, correction: Correction, previous: Previous): unknown {
  if (correction.transform === undefined) return run.record;
  return evaluate(run, correction.transform, run.record, { ...bindings(run), previous });
}

/** The correction's delivery, built and checked against its operation's request schema. */
async function correctionDelivery(step: Deliver, run: Run, cx: StepRunContext, posting: Posting, record: DeliveredRecord): Promise<NewDelivery> {
  const correction = step.correction as Correction;
  const previous: Previous = { body: posting.body, targetId: posting.targetId, version: posting.version };
  const id = correctionStep(step.id, correction.kind);
  const body = await correctionBody(run, correction, previous);
  const operation = cx.process.operations(correction.system, correction.operation);
  const { params: _params, query: _query, headers: _headers, ...rest } = step;
  const call: Deliver = { ...rest, id, system: correction.system, operation: correction.operation, ...(correction.params !== undefined ? { params: correction.params } : {}) };
  // The parameters read `$previous` beside the run's lookups.
  const withPrevious: Run = { ...run, lookups: { ...run.lookups, previous }, bound: undefined };
  const params = await pathParams(call, operation?.path, withPrevious, body);
  const problem = requestProblem({ step: id, system: correction.system, operation: correction.operation }, operation, body);
  if (problem !== undefined) throw new StepFailure(problem);
  const { pipeline, event } = cx;
  return {
    step: id,
    system: correction.system,
    operation: correction.operation,
    idempotencyKey: sha256(`${pipeline.route}\u0000${event.key}\u0000${event.revision}\u0000${id}`).slice(0, 40),
    body,
    ...(params !== undefined ? { params } : {}),
    posting: record,
  };
}

/**
 * Adds the new posting of a newer version, corrected as the step declares against what stands
 * posted: after its reversal, or replaced by the adjustment or the update.
 */
export async function correctAndPost(step: Deliver, run: Run, cx: StepRunContext, delivery: NewDelivery): Promise<void> {
  const posting = step.correction === undefined ? undefined : await standingPosting(step, run, cx);
  const revision = run.revision;
  if (posting === undefined || revision === undefined || step.correction === undefined) {
    run.deliveries.push(delivery);
    return;
  }
  const { kind } = step.correction;
  const base = { identity: revision.identity, version: revision.version, correction: kind };
  if (kind === "reverse") {
    run.deliveries.push(await correctionDelivery(step, run, cx, posting, { ...base, withdrawn: "reversed" }));
    run.deliveries.push({ ...delivery, after: correctionStep(step.id, kind) });
    return;
  }
  // An adjustment keeps the whole new posting it stands for, which the next version is compared with.
  const record: DeliveredRecord = kind === "adjust" ? { ...base, body: delivery.body } : base;
  run.deliveries.push(await correctionDelivery(step, run, cx, posting, record));
}

/**
 * Reverses what stands posted by the route's reversing deliver steps that this run did not post
 * through: all of them for the record's void, or those a newer version no longer reaches (an
 * entry no longer billable withdraws its line). Returns how many reversals it added.
 */
export async function reverseUnposted(run: Run, cx: StepRunContext, withdrawn: Withdrawal): Promise<number> {
  const reached = new Set(run.deliveries.filter((d) => d.posting !== undefined).map((d) => d.system));
  const revision = run.revision;
  if (revision === undefined) return 0;
  let added = 0;
  for (const step of everyStep(cx.pipeline.steps)) {
    if (step.kind !== "deliver" || step.correction?.kind !== "reverse" || reached.has(step.system)) continue;
    const posting = await standingPosting(step, run, cx);
    if (posting === undefined) continue;
    reached.add(step.system);
    run.deliveries.push(await correctionDelivery(step, run, cx, posting, { identity: revision.identity, version: revision.version, withdrawn, correction: "reverse" }));
    added++;
  }
  return added;
}
