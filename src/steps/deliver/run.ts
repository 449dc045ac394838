/**
 * Runs a deliver step: builds the request body (the record, or the mapping's output) and the
 * operation's path, query and header parameters, checks the body against the operation's request
 * schema, and adds one delivery to the outbox under an idempotency key made of the route, the
 * event, its revision and the step. A delivery that creates a record another
 * route waits for or looks up also records the cross-reference. A newer version of a versioned
 * record is corrected as the step declares (correct.ts).
 */
import { sha256 } from "../../runtime/store/canonical-json.ts";
import type { NewDelivery } from "../../runtime/store/store.ts";
import { requestProblem } from "../../runtime/delivery/check-request.ts";
import { evaluate, type Run, StepFailure, type StepRunContext } from "../../runtime/step-run.ts";
import type { RunStepOf, StepRunner } from "../run-kind.ts";
import { encodeRequestParams } from "../../runtime/delivery/request-params.ts";
import { correctAndPost } from "./correct.ts";
import { pathParams, requestParams } from "./path-params.ts";

type Deliver = RunStepOf<"deliver">;
type Operation = NonNullable<ReturnType<StepRunContext["process"]["operations"]>>;

/**
 * Adds the delivery, with the path parameters the step's expressions gave, once its body has
 * passed the operation's request schema: a request the schema refuses is never sent.
 */
function push(step: Deliver, run: Run, cx: StepRunContext, operation: Operation | undefined, body: unknown, params: Record<string, string> | undefined): void | Promise<void> {
  const problem = requestProblem({ step: step.id, system: step.system, operation: step.operation }, operation, body);
  if (problem !== undefined) throw new StepFailure(problem);
  const { pipeline, event } = cx;
  const delivery: NewDelivery = {
    step: step.id,
    system: step.system,
    operation: step.operation,
    idempotencyKey: sha256(`${pipeline.route}\u0000${event.key}\u0000${event.revision}\u0000${step.id}`).slice(0, 40),
    body,
    ...(params !== undefined ? { params } : {}),
    ...(run.revision !== undefined ? { posting: { ...run.revision } } : {}),
  };
  const entity = operation?.entity;
  const creates = operation?.effect === "create" || operation?.effect === "upsert";
  if (entity !== undefined && creates && cx.process.xrefNeeded.has(`${entity}\u0000${step.system}`)) {
    const fromSystem = pipeline.trigger.kind === "event" ? pipeline.trigger.system : "canonical";
    delivery.xref = { entity, fromSystem, fromId: event.key };
  }
  // A versioned record's step that declares a correction corrects what an earlier version posted.
  if (step.correction !== undefined && run.revision !== undefined) return correctAndPost(step, run, cx, delivery);
  run.deliveries.push(delivery);
}

function withBody(step: Deliver, run: Run, cx: StepRunContext, body: unknown): void | Promise<void> {
  const operation = cx.process.operations(step.system, step.operation);
  // Most operations have no parameters: nothing to resolve, nothing to await.
  const unparameterised = step.params === undefined && step.query === undefined && step.headers === undefined && operation !== undefined && !operation.path.includes("{");
  if (unparameterised) return push(step, run, cx, operation, body, undefined);
  return allParams(step, operation?.path, run, body).then((params) => push(step, run, cx, operation, body, params));
}

/** The path parameters, with the query and header values beside them when the step gives any. */
async function allParams(step: Deliver, path: string | undefined, run: Run, body: unknown): Promise<Record<string, string> | undefined> {
  const params = await pathParams(step, path, run, body);
  if (step.query === undefined && step.headers === undefined) return params;
  const request = await requestParams(step, run);
  const encoded = encodeRequestParams(request.query, request.headers);
  return Object.keys(encoded).length === 0 ? params : { ...params, ...encoded };
}

function deliver(step: Deliver, run: Run, cx: StepRunContext): void | Promise<void> {
  const mapped = step.transform === undefined ? run.record : evaluate(run, step.transform, run.record);
  return mapped instanceof Promise ? mapped.then((body) => withBody(step, run, cx, body)) : withBody(step, run, cx, mapped);
}

/** The deliver kind at run time. */
export const deliverRunner: StepRunner<"deliver"> = {
  kind: "deliver",
  run: deliver,
  targets: (step) => [step.system],
};
