/**
 * The webhook receiver: finds the system event a path belongs to, checks the sender's credentials
 * (HTTP basic or bearer, see authenticate.ts) and signature (HMAC-SHA256 over the raw body, or over
 * `timestamp.body` with an age limit; timing-safe compare), reads the body (see parse-body.ts:
 * JSON, CloudEvents 1.0 in structured, batched or binary mode; refusals are 4xx), answers a
 * CloudEvent whose `source` and `id` it already took as a duplicate (or 409 when its data differs),
 * and offers the payloads to the inbox. It answers 202 only once the events are durable. Every
 * refusal is logged and counted.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import type { ValueResolver } from "../delivery/auth.ts";
import type { EventSource, Runtime } from "../engine.ts";
import type { CompiledSpecSet, EventDefinition } from "../pipeline.ts";
import { payloadHash } from "../store/batched.ts";
import { challengeOf, checkSenderCredentials, resolveSenderCredentials, type SenderCredentials } from "./authenticate.ts";
import { type BodyItem, parseWebhookBody } from "./parse-body.ts";

export { forbiddenKey } from "./parse-body.ts";

/** A request as the HTTP layer read it. Header names are lower-case. */
export interface WebhookRequest {
  method: string;
  path: string;
  headers: Readonly<Record<string, string | undefined>>;
  body: Buffer;
}

/** The answer to send. */
export interface WebhookAnswer {
  status: number;
  body: Record<string, unknown>;
  /** Extra response headers, for example the `WWW-Authenticate` challenge of a 401. */
  headers?: Record<string, string>;
}

/** Handles one webhook request. */
export type WebhookHandler = (request: WebhookRequest) => Promise<WebhookAnswer>;

/** One structured log entry of intake. */
export interface IntakeLogEntry {
  level: "info" | "warn" | "error";
  msg: string;
  [field: string]: unknown;
}

/** Where intake writes what it does: one structured entry per refusal, duplicate or failure. */
export type IntakeLogger = (entry: IntakeLogEntry) => void;

interface Endpoint {
  system: string;
  event: string;
  definition: EventDefinition;
  secret: string | undefined;
  credentials: SenderCredentials;
}

const DEFAULT_TOLERANCE_MS = 300_000;

function decodeDigest(value: string, encoding: "base64" | "hex"): Buffer | undefined {
  const text = value.trim().replace(/^sha256=/, "");
  if (encoding === "hex") return /^[0-9a-fA-F]+$/.test(text) && text.length % 2 === 0 ? Buffer.from(text, "hex") : undefined;
  return /^[A-Za-z0-9+/_-]+={0,2}$/.test(text) ? Buffer.from(text, "base64") : undefined;
}

/** Checks a signature; returns the reason it fails, or undefined when it holds. */
export function verifySignature(
  signature: NonNullable<NonNullable<EventDefinition["webhook"]>["signature"]>,
  secret: string,
  headers: Readonly<Record<string, string | undefined>>,
  body: Buffer,
  now: number,
): string | undefined {
  const given = headers[signature.header.toLowerCase()];
  if (given === undefined || given === "") return `the ${signature.header} header is missing`;
  let signed: Buffer = body;
  if (signature.scheme === "hmac-sha256-timestamped") {
    const header = signature.timestampHeader ?? "x-timestamp";
    const stamp = headers[header.toLowerCase()];
    if (stamp === undefined || !/^[0-9]{1,16}$/.test(stamp)) return `the ${header} header is missing or not a number`;
    const seconds = Number(stamp);
    const at = seconds > 1e12 ? seconds : seconds * 1000;
    if (Math.abs(now - at) > (signature.toleranceMs ?? DEFAULT_TOLERANCE_MS)) return "the signature's timestamp is outside the tolerance";
    signed = Buffer.concat([Buffer.from(`${stamp}.`), body]);
  }
  const expected = createHmac("sha256", secret).update(signed).digest();
  const actual = decodeDigest(given, signature.encoding);
  if (actual === undefined || actual.length !== expected.length || !timingSafeEqual(actual, expected)) return "the signature does not match";
  return undefined;
}

/** Options of the webhook handler. */
export interface WebhookOptions {
  compiled: CompiledSpecSet;
  runtime: Pick<Runtime, "offer" | "store">;
  resolve: ValueResolver;
  now: () => number;
  /** Bodies larger than this are refused with 413 (default 1 MiB). */
  maxBodyBytes?: number;
  /** Where refusals, duplicates and failures are logged (default: nowhere). */
  log?: IntakeLogger;
}

/** The default body limit. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/** A webhook handler that also counts what it answered, by outcome. */
export interface CountingWebhookHandler extends WebhookHandler {
  /** Answers so far by outcome: `accepted`, `unauthenticated`, `bad-signature`, `unsupported-media-type`, ... */
  counts(): Readonly<Record<string, number>>;
}

/** Every endpoint by path; secrets and credentials are resolved now, so a missing one fails at start-up. */
function endpointsOf(options: WebhookOptions): Map<string, Endpoint> {
  const endpoints = new Map<string, Endpoint>();
  for (const [systemName, system] of Object.entries(options.compiled.systems)) {
    for (const [eventName, definition] of Object.entries(system.events)) {
      const webhook = definition.webhook;
      if (definition.delivery !== "webhook" || webhook === undefined) continue;
      const field = `${systemName}.events.${eventName}.webhook`;
      const secret = webhook.signature === undefined ? undefined : options.resolve(webhook.signature.secret, `${field}.signature.secret`);
      const credentials = resolveSenderCredentials(webhook.authentication, options.resolve, `${field}.authentication`);
      endpoints.set(webhook.path, { system: systemName, event: eventName, definition, secret, credentials });
    }
  }
  return endpoints;
}

/** What a body's CloudEvents are against those already taken: new ones, redeliveries and conflicts. */
async function sortByMessageId(
  store: Runtime["store"],
  scope: string,
  items: readonly BodyItem[],
): Promise<{ fresh: { item: BodyItem; id?: string; hash?: string }[]; duplicates: number; conflicts: string[] }> {
  const keyed = items.map((item) => (item.cloudEvent === undefined ? { item } : { item, id: JSON.stringify([item.cloudEvent.source, item.cloudEvent.id]), hash: payloadHash(item.payload) }));
  const ids = keyed.flatMap((k) => (k.id === undefined ? [] : [k.id]));
  const known = new Map((await store.messageHashes(scope, ids)).map((m) => [m.id, m.hash]));
  const fresh: { item: BodyItem; id?: string; hash?: string }[] = [];
  const conflicts: string[] = [];
  let duplicates = 0;
  for (const k of keyed) {
    if (k.id === undefined) {
      fresh.push(k);
      continue;
    }
    const taken = known.get(k.id);
    if (taken === undefined) {
      // A second copy later in the same body is compared with the first.
      known.set(k.id, k.hash);
      fresh.push(k);
    } else if (taken === k.hash) duplicates += 1;
    else conflicts.push(`the CloudEvent with source ${k.item.cloudEvent?.source} and id ${k.item.cloudEvent?.id} was already taken with different data`);
  }
  return { fresh, duplicates, conflicts };
}

/** Builds the handler; webhook secrets and credentials are resolved now, so a missing one fails at start-up. */
export function createWebhookHandler(options: WebhookOptions): CountingWebhookHandler {
  const endpoints = endpointsOf(options);
  const limit = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const counts: Record<string, number> = {};
  const log = options.log ?? (() => {});
  const refuse = (outcome: string, status: number, error: string, at: Record<string, unknown>, headers?: Record<string, string>): WebhookAnswer => {
    counts[outcome] = (counts[outcome] ?? 0) + 1;
    log({ level: "warn", msg: "webhook refused", outcome, status, reason: error, ...at });
    return headers === undefined ? { status, body: { error } } : { status, body: { error }, headers };
  };
  const handler = async (request: WebhookRequest): Promise<WebhookAnswer> => {
    const endpoint = endpoints.get(request.path);
    if (endpoint === undefined) return refuse("unknown-path", 404, `no webhook is declared at ${request.path}`, { path: request.path });
    const at = { path: request.path, system: endpoint.system, event: endpoint.event };
    if (request.method !== "POST") return refuse("method-not-allowed", 405, "webhooks are POSTed", at);
    if (request.body.length > limit) return refuse("too-large", 413, `the body is larger than ${limit} bytes`, at);
    const credentialProblem = checkSenderCredentials(endpoint.credentials, request.headers["authorization"]);
    if (credentialProblem !== undefined) {
      const challenge = challengeOf(endpoint.credentials);
      return refuse("unauthenticated", 401, credentialProblem, at, challenge === undefined ? undefined : { "www-authenticate": challenge });
    }
    const signature = endpoint.definition.webhook?.signature;
    if (signature !== undefined) {
      const problem = verifySignature(signature, endpoint.secret ?? "", request.headers, request.body, options.now());
      if (problem !== undefined) return refuse("bad-signature", 401, problem, at);
    }
    const parsed = parseWebhookBody(request);
    if ("status" in parsed) return refuse(parsed.status === 415 ? "unsupported-media-type" : "bad-body", parsed.status, parsed.error, at);
    const scope = `${endpoint.system}.${endpoint.event}`;
    const sorted = await sortByMessageId(options.runtime.store, scope, parsed.items);
    const source: EventSource = { system: endpoint.system, event: endpoint.event };
    const payloads = sorted.fresh.map((f) => f.item.payload);
    const result =
      payloads.length === 0 ? { outcomes: [], refused: [] } : await options.runtime.offer(source, payloads, parsed.traceparent === undefined ? {} : { traceId: parsed.traceId as string, traceparent: parsed.traceparent });
    const ids = sorted.fresh.flatMap((f) => (f.id === undefined || f.hash === undefined ? [] : [{ id: f.id, hash: f.hash }]));
    // Recorded only once the events are durable: a crash before this leaves a redelivery to the routes' own deduplication.
    if (result.refused.length === 0) await options.runtime.store.recordMessages(scope, ids, options.now());
    const count = (status: string) => result.outcomes.filter((o) => o.status === status).length;
    const body: Record<string, unknown> = {
      accepted: count("accepted"),
      duplicates: count("duplicate") + sorted.duplicates,
      conflicts: count("conflict") + sorted.conflicts.length,
      refused: result.refused,
    };
    if (sorted.duplicates > 0) {
      counts["duplicate-message"] = (counts["duplicate-message"] ?? 0) + sorted.duplicates;
      log({ level: "info", msg: "webhook redelivered", outcome: "duplicate-message", duplicates: sorted.duplicates, ...at });
    }
    if (sorted.conflicts.length > 0) {
      counts["conflicting-message"] = (counts["conflicting-message"] ?? 0) + sorted.conflicts.length;
      log({ level: "warn", msg: "webhook refused", outcome: "conflicting-message", status: 409, reason: sorted.conflicts[0], ...at });
      return { status: 409, body: { ...body, error: sorted.conflicts.join("; ") } };
    }
    if (result.outcomes.length === 0 && result.refused.length > 0) {
      counts["refused"] = (counts["refused"] ?? 0) + 1;
      log({ level: "warn", msg: "webhook refused", outcome: "refused", status: 422, reason: result.refused[0]?.reason, ...at });
      return { status: 422, body };
    }
    counts["accepted"] = (counts["accepted"] ?? 0) + 1;
    return { status: 202, body };
  };
  return Object.assign(handler, { counts: () => ({ ...counts }) });
}
