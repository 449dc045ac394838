/**
 * One delivery attempt: the request built from the outbox row (URL, credentials, the idempotency
 * key or external id), the system's breaker, rate limit and concurrency cap, and the answer
 * classified into a settlement:
 *
 * | answer | settlement |
 * | --- | --- |
 * | 2xx | delivered (the target's id is kept as a cross-reference) |
 * | network error, timeout, 408, 425, 429, 5xx | retry with backoff and jitter, `Retry-After` honoured; dead letter when attempts run out |
 * | 409 | the target already holds a conflicting request for this key: its state is asked again by repeating the idempotent request later; a 409 that names the existing record counts as delivered |
 * | other 4xx | exception queue: a person must look |
 * | circuit open | retry when the breaker lets a probe through; the attempt is not counted |
 * | no answer before the lease ran out and another worker leased it | the lease is renewed while the call is out (lease-keeper.ts), so only a worker that died or stalled loses it: the next lease takes the delivery over, the attempt not counted |
 */
import { encodeRequestBody, expandPath } from "../../encoding/request.ts";
import { systemTimers, type Timers } from "../host.ts";
import { type CompiledSpecSet, everyStep, type OperationDefinition, type PipelineDefinition, type SystemDefinition } from "../pipeline.ts";
import { targetsOf } from "../../steps/run-registry.ts";
import { type CircuitBreaker, createCircuitBreaker, DEFAULT_BREAKER } from "../policies/circuit-breaker.ts";
import { createSemaphore, createSharedSemaphore, createSharedTokenBucket, createTokenBucket, quotaBurst, type Semaphore, type SlotSource, type TokenBucket } from "../policies/rate-limit.ts";
import { DEFAULT_RETRY, parseRetryAfter, retryDelay, retryPolicy, type RetryPolicy } from "../policies/retry.ts";
import type { ClaimedDelivery, DeliverySettlement } from "../store/store.ts";
import type { AuthHeaders } from "./auth.ts";
import { NetworkError, type TargetRequest, type TargetResponse, type Transport } from "./transport.ts";
import { withField } from "../objects.ts";
import { queryString, splitRequestParams } from "./request-params.ts";
import { writeBackEvents, writeBackOf } from "./write-back.ts";

/** A system as the delivery stage holds it at run time. */
export interface SystemRuntime {
  definition: SystemDefinition;
  baseUrl: string;
  auth: AuthHeaders;
  breaker: CircuitBreaker;
  bucket: TokenBucket | undefined;
  concurrency: Semaphore | undefined;
}

/** What a delivery attempt needs from the engine. */
export interface DeliveryContext {
  systems: ReadonlyMap<string, SystemRuntime>;
  pipelines: ReadonlyMap<string, PipelineDefinition>;
  /** Routes triggered by each canonical event: those a write-back announces get its event with the settlement. */
  canonicalRoutes?: ReadonlyMap<string, readonly PipelineDefinition[]>;
  transport: Transport;
  now(): number;
  random(): number;
  sleep(ms: number): Promise<void>;
  worker: string;
  /** Scrubs credentials from a target's answer before it is cut short and kept (see `createRedactor`). */
  redact?: (text: string) => string;
}

/** Quotas and concurrency caps kept in the store, shared by every worker. */
export interface SharedQuotas {
  /** Takes up to `want` tokens of the system's shared bucket; resolves with how many it took. */
  reserve(system: string, want: number, now: number, requestsPerMinute: number, burst: number): Promise<number>;
  /** The store's slots of a system's concurrency cap of `limit`, as this worker takes and gives them. */
  slots(system: string, limit: number): SlotSource;
  /** The runtime's clock. */
  now(): number;
  /** Where failures of the store are reported. */
  report(error: unknown): void;
}

/**
 * Builds the run-time state of a system; the breaker comes from the first route that declares one.
 * With `sharedQuota`, the system's quota is a share of one bucket every worker of the store takes
 * from, and its concurrency cap a share of one every worker counts against.
 */
export function systemRuntime(
  definition: SystemDefinition,
  baseUrl: string,
  auth: AuthHeaders,
  pipelines: readonly PipelineDefinition[],
  sharedQuota?: SharedQuotas,
  timers: Timers = systemTimers,
): SystemRuntime {
  const declared = pipelines.find((p) => p.policies.circuitBreaker !== undefined && deliversTo(p, definition.name))?.policies.circuitBreaker;
  const quotas = definition.quotas;
  return {
    definition,
    baseUrl: baseUrl.replace(/\/+$/, ""),
    auth,
    breaker: createCircuitBreaker(declared ?? DEFAULT_BREAKER),
    bucket:
      quotas === undefined
        ? undefined
        : sharedQuota === undefined
          ? createTokenBucket(quotas.requestsPerMinute, quotas.burst)
          : createSharedTokenBucket(
              (want, now) => sharedQuota.reserve(definition.name, want, now, quotas.requestsPerMinute, quotaBurst(quotas.requestsPerMinute, quotas.burst)),
              quotas.requestsPerMinute,
              quotas.burst,
              sharedQuota.report,
            ),
    concurrency:
      quotas?.concurrency === undefined
        ? undefined
        : sharedQuota === undefined
          ? createSemaphore(quotas.concurrency, timers)
          : createSharedSemaphore(sharedQuota.slots(definition.name, quotas.concurrency), sharedQuota.now, timers),
  };
}

function deliversTo(pipeline: PipelineDefinition, system: string): boolean {
  for (const step of everyStep(pipeline.steps)) if (targetsOf(step).includes(system)) return true;
  return false;
}

const retryPolicies = new WeakMap<PipelineDefinition, RetryPolicy>();
function policyOf(pipeline: PipelineDefinition | undefined): RetryPolicy {
  if (pipeline === undefined) return DEFAULT_RETRY;
  let policy = retryPolicies.get(pipeline);
  if (policy === undefined) {
    policy = retryPolicy(pipeline.policies.retry);
    retryPolicies.set(pipeline, policy);
  }
  return policy;
}

/**
 * The request line and body as the operation declares them: path parameters from the values the
 * route resolved, else from the body's fields (a missing one is the request's fault, not the
 * target's), the body in the operation's encoding (nested form keys the way form APIs such as
 * Chargebee's expect them).
 */
function buildRequest(
  path: string,
  body: unknown,
  params: Readonly<Record<string, string>> | null,
  encoding: "json" | "form",
  withBody: boolean,
): { path: string; body?: string } | { error: string } {
  try {
    const fields = body !== null && typeof body === "object" && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
    const split = splitRequestParams(params);
    const filled = expandPath(path, params === null ? fields : { ...fields, ...split.path }) + queryString(split.query);
    return withBody ? { path: filled, body: encodeRequestBody(body, encoding).body } : { path: filled };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

/**
 * Whether an operation sends a delivery's body as its JSON, unchanged: encoded as JSON, with no
 * path parameter read from it and no external id added to it. Such a body need not be parsed.
 */
export function sendsBodyAsIs(operation: OperationDefinition): boolean {
  return sendsBody(operation) && operation.encoding !== "form" && operation.idempotency.mechanism !== "upsert" && !operation.path.includes("{");
}

/** Whether an operation's request carries a body: GET and DELETE send none. */
const sendsBody = (operation: OperationDefinition) => operation.method !== "GET" && operation.method !== "DELETE";

/** How long a delivery may wait for an answer: its operation's timeout, else its route's, else its system's, else 30 s. */
export function deliveryTimeoutMs(operation: { timeoutMs?: number } | undefined, pipeline: PipelineDefinition | undefined, system: SystemDefinition | undefined): number {
  return operation?.timeoutMs ?? pipeline?.policies.timeoutMs ?? system?.timeoutMs ?? 30_000;
}

/**
 * The longest a leased delivery may take: the longest timeout among the deliveries the routes
 * make, plus the wait for a quota token, with where it is set. A lease shorter than this may end
 * while the call is still out.
 */
export function longestDelivery(compiled: CompiledSpecSet): { ms: number; where: string } {
  let longest = { ms: 0, where: "" };
  for (const pipeline of compiled.pipelines) {
    for (const step of everyStep(pipeline.steps)) {
      if (step.kind !== "deliver") continue;
      const system = compiled.systems[step.system];
      const ms = attemptMs(system?.operations[step.operation], pipeline, system);
      if (ms > longest.ms) longest = { ms, where: `${step.system}.${step.operation} in route ${pipeline.route}` };
    }
  }
  return longest;
}

/** The longest one attempt at a delivery may take: its timeout, and the waits for a quota token and a slot before it. */
export function attemptMs(operation: { timeoutMs?: number } | undefined, pipeline: PipelineDefinition | undefined, system: SystemDefinition | undefined): number {
  return deliveryTimeoutMs(operation, pipeline, system) + MAX_QUOTA_WAIT_MS + MAX_SLOT_WAIT_MS;
}

/** The longest a delivery waits in-process for a quota token before it is given back for later. */
const MAX_QUOTA_WAIT_MS = 1000;

/** The longest a call waits for a slot of its system's concurrency cap. */
const MAX_SLOT_WAIT_MS = 1000;

/** When a call that found no slot is tried again. */
const SLOT_RETRY_DELAY_MS = 100;

const ID_KEY = /^(id|ID|Id)$|(ID|Id)$/;

/**
 * A delivery the target applied: its id for the cross-reference, and what its answer writes back
 * to a kept record. An answer lacking a written-back field is an exception naming it; the effect
 * is applied, and a retry sends the same idempotency key.
 */
function delivered(
  cx: DeliveryContext,
  d: ClaimedDelivery,
  operation: OperationDefinition,
  pipeline: PipelineDefinition | undefined,
  response: TargetResponse,
  base: { deliveryId: number; attempt: number; worker: string },
  now: number,
  status: number,
): DeliverySettlement | Promise<DeliverySettlement> {
  const targetId = targetIdOf(response.body);
  // Most operations write nothing back: settled at once, without a turn of the microtask queue.
  if (operation.writeBack !== undefined) return withWriteBack(cx, d, operation, pipeline, response, base, now, status, targetId);
  // Written out rather than spread from `base`: every delivery ends here (see objects.ts).
  const settlement: Extract<DeliverySettlement, { outcome: "delivered" }> = { deliveryId: base.deliveryId, attempt: base.attempt, worker: base.worker, now, outcome: "delivered", status };
  if (targetId !== undefined) settlement.targetId = targetId;
  return settlement;
}

async function withWriteBack(
  cx: DeliveryContext,
  d: ClaimedDelivery,
  operation: OperationDefinition,
  pipeline: PipelineDefinition | undefined,
  response: TargetResponse,
  base: { deliveryId: number; attempt: number; worker: string },
  now: number,
  status: number,
  targetId: string | undefined,
): Promise<DeliverySettlement> {
  const request = d.bodyJson !== undefined ? (JSON.parse(d.bodyJson) as unknown) : d.body;
  const written = await writeBackOf(d.system, operation, request, response.body);
  if ("missing" in written) {
    const reason = `${d.system}.${d.operation} applied the request, but its answer lacks ${written.missing}; a retry sends the same idempotency key`;
    return { ...base, now, outcome: "exception", issue: issueOf(d, pipeline, reason, "exception") };
  }
  const settled: DeliverySettlement = { ...base, now, outcome: "delivered", status, ...(targetId !== undefined ? { targetId } : {}) };
  if (written.writeBack === undefined) return settled;
  const emits = writeBackEvents(operation, written.writeBack, cx.canonicalRoutes, d);
  return { ...settled, writeBack: written.writeBack, ...(emits.length > 0 ? { emits } : {}) };
}

/** The id a target gave the record: the first `id`-like string or number in its answer. */
export function targetIdOf(body: unknown, depth = 0): string | undefined {
  if (depth > 3 || body === null || typeof body !== "object") return undefined;
  if (Array.isArray(body)) return body.length > 0 ? targetIdOf(body[0], depth + 1) : undefined;
  const record = body as Record<string, unknown>;
  for (const key in record) {
    if (!Object.hasOwn(record, key)) continue;
    const value = record[key];
    if (ID_KEY.test(key) && (typeof value === "string" || typeof value === "number")) return String(value);
  }
  for (const key in record) {
    if (!Object.hasOwn(record, key)) continue;
    const found = targetIdOf(record[key], depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}

function describe(response: TargetResponse, redact: (text: string) => string = (text) => text): string {
  const body = response.body;
  // Scrubbed before it is cut: a secret cut in two would not be recognised afterwards.
  const detail = redact(typeof body === "string" ? body : body === undefined ? "" : JSON.stringify(body));
  return `${response.status}${detail === "" ? "" : ` ${detail.slice(0, 300)}`}`;
}

/** Where a delivery's dead letter or exception is filed: the route's queues, else ones named after it. */
function issueOf(d: ClaimedDelivery, pipeline: PipelineDefinition | undefined, reason: string, kind: "dead" | "exception") {
  const exceptions = pipeline?.policies.exceptions;
  return {
    queue: kind === "dead" ? (pipeline?.policies.deadLetterQueue ?? `${d.route}-dead-letters`) : (exceptions?.queue ?? `${d.route}-exceptions`),
    owner: exceptions?.owner ?? "unassigned",
    reason,
  };
}

/** What every settlement of this attempt says: which delivery, which attempt (the fencing token), whose. */
const settlementOf = (cx: DeliveryContext, d: ClaimedDelivery) => ({ deliveryId: d.id, attempt: d.attempt, worker: cx.worker });

/** A failed attempt: tried again after a backoff, or a dead letter once the attempts are spent. */
function retryOrDead(cx: DeliveryContext, d: ClaimedDelivery, pipeline: PipelineDefinition | undefined, error: string, retryAfterMs?: number): DeliverySettlement {
  const base = settlementOf(cx, d);
  const policy = policyOf(pipeline);
  const now = cx.now();
  // Attempts whose lease was taken over are not counted (`tries`): a slow answer is not a refusal.
  if (d.tries >= policy.maxAttempts) {
    return { ...base, now, outcome: "dead", issue: issueOf(d, pipeline, `${d.system}.${d.operation} failed ${d.tries} times; last: ${error}`, "dead") };
  }
  return { ...base, now, outcome: "retry", availableAt: now + retryDelay(policy, d.tries, cx.random, retryAfterMs), error };
}

/**
 * Takes a token: 0, or how long until one is there; at once, unless a shared bucket is about to
 * receive the tokens it reserved.
 */
function takeToken(bucket: TokenBucket, now: () => number): number | Promise<number> {
  const wait = bucket.take(now());
  if (wait === 0 || bucket.refilled === undefined) return wait;
  return bucket.refilled().then(() => bucket.take(now()));
}

/**
 * Runs one attempt of a leased delivery and says how to settle it. Never throws. `traceparent`,
 * the W3C trace context of the attempt's span, is sent with the request.
 */
export async function attemptDelivery(cx: DeliveryContext, d: ClaimedDelivery, trace: { traceparent?: string } = {}): Promise<DeliverySettlement> {
  const base = settlementOf(cx, d);
  const pipeline = cx.pipelines.get(d.route);
  const system = cx.systems.get(d.system);
  const operation = system?.definition.operations[d.operation];
  if (system === undefined || operation === undefined) {
    return { ...base, now: cx.now(), outcome: "exception", issue: issueOf(d, pipeline, `${d.system}.${d.operation} is not an operation of the loaded spec set`, "exception") };
  }

  if (!system.breaker.allow(cx.now())) {
    return { ...base, now: cx.now(), outcome: "retry", availableAt: Math.max(system.breaker.retryAt(), cx.now() + 1), error: `the circuit to ${d.system} is open`, refund: true };
  }
  if (system.bucket !== undefined) {
    // A short wait for a token is taken once; a long one would outlive the lease, and a token that is
    // still not there after the wait (the quota is shared, or time did not move) is not waited for
    // again: either way the delivery is given back for later, its attempt not counted.
    // A token at hand is taken without awaiting: an await costs a turn of the event loop per call.
    const taken = takeToken(system.bucket, cx.now);
    let wait = typeof taken === "number" ? taken : await taken;
    if (wait > 0 && wait <= MAX_QUOTA_WAIT_MS) {
      await cx.sleep(wait);
      wait = await takeToken(system.bucket, cx.now);
    }
    if (wait > 0) return { ...base, now: cx.now(), outcome: "retry", availableAt: cx.now() + wait, error: `${d.system}'s quota is used up`, refund: true };
  }
  // A call waits a little for a slot of the system's concurrency cap; past that it is given back
  // for later, its attempt not counted, rather than waiting on while its lease runs out.
  if (system.concurrency !== undefined && !(await system.concurrency.acquire(MAX_SLOT_WAIT_MS))) {
    return { ...base, now: cx.now(), outcome: "retry", availableAt: cx.now() + SLOT_RETRY_DELAY_MS, error: `${d.system}'s concurrency cap is reached`, refund: true };
  }
  let response: TargetResponse;
  try {
    const auth = system.auth();
    // The credentials' headers, then the runtime's, which win (a copy made field by field: see objects.ts).
    const headers: Record<string, string> = withField(auth instanceof Promise ? await auth : auth, "content-type", operation.encoding === "form" ? "application/x-www-form-urlencoded" : "application/json");
    headers["x-trace-id"] = d.traceId;
    if (trace.traceparent !== undefined) headers["traceparent"] = trace.traceparent;
    let body = d.body;
    // Most deliveries have no parameters: nothing to split.
    const params = d.params == null ? undefined : splitRequestParams(d.params);
    // Header parameters the step gave; the ones the runtime sets (content type, idempotency key, trace) win.
    for (const [name, value] of Object.entries(params?.headers ?? {})) {
      if (!Object.keys(headers).some((h) => h.toLowerCase() === name.toLowerCase())) headers[name] = value;
    }
    if (operation.idempotency.mechanism === "key-header") headers[operation.idempotency.header] = d.idempotencyKey;
    if (operation.idempotency.mechanism === "upsert" && body !== null && typeof body === "object" && !Array.isArray(body)) {
      const field = operation.idempotency.externalIdField;
      const record = body as Record<string, unknown>;
      if (record[field] === undefined) body = { ...record, [field]: d.idempotencyKey };
    }
    const timeoutMs = deliveryTimeoutMs(operation, pipeline, system.definition);
    const built =
      d.bodyJson !== undefined && sendsBodyAsIs(operation)
        ? { path: params === undefined ? operation.path : operation.path + queryString(params.query), body: d.bodyJson }
        : buildRequest(operation.path, body, d.params, operation.encoding, sendsBody(operation));
    if ("error" in built) {
      return { ...base, now: cx.now(), outcome: "exception", issue: issueOf(d, pipeline, `${d.system}.${d.operation}: ${built.error}`, "exception") };
    }
    const request: TargetRequest = { system: d.system, operation: d.operation, method: operation.method, url: system.baseUrl + built.path, headers, timeoutMs };
    if (built.body !== undefined) request.body = built.body;
    response = await cx.transport(request);
  } catch (error) {
    system.breaker.failure(cx.now());
    return retryOrDead(cx, d, pipeline, error instanceof NetworkError ? error.message : `${d.system}.${d.operation}: ${(error as Error).message}`);
  } finally {
    system.concurrency?.release();
  }
  const now = cx.now();
  const status = response.status;
  if (status >= 200 && status < 300) {
    system.breaker.success();
    return delivered(cx, d, operation, pipeline, response, base, now, status);
  }
  if (status === 409) {
    system.breaker.success();
    if (targetIdOf(response.body) !== undefined) return delivered(cx, d, operation, pipeline, response, base, now, status);
    return retryOrDead(cx, d, pipeline, `${d.system} answered ${describe(response, cx.redact)}`, parseRetryAfter(response.headers["retry-after"], now));
  }
  if (status === 408 || status === 425 || status === 429 || status >= 500) {
    if (status !== 429) system.breaker.failure(now);
    return retryOrDead(cx, d, pipeline, `${d.system} answered ${describe(response, cx.redact)}`, parseRetryAfter(response.headers["retry-after"], now));
  }
  system.breaker.success();
  return { ...base, now, outcome: "exception", issue: issueOf(d, pipeline, `${d.system}.${d.operation} refused the request: ${describe(response, cx.redact)}`, "exception") };
}
