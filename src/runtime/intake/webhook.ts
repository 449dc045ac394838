/**
 * The webhook receiver: finds the system event a path belongs to, verifies the sender's signature
 * (HMAC-SHA256 over the raw body, or over `timestamp.body` with an age limit; timing-safe compare),
 * reads CloudEvents 1.0 (structured, batched or binary mode) or the system's native JSON, refuses
 * `__proto__` and `constructor` keys, and offers the payloads to the inbox. It answers 202 only
 * once the events are durable.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import type { ValueResolver } from "../delivery/auth.ts";
import type { EventSource, Runtime } from "../engine.ts";
import type { CompiledSpecSet, EventDefinition } from "../pipeline.ts";

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
}

/** Handles one webhook request. */
export type WebhookHandler = (request: WebhookRequest) => Promise<WebhookAnswer>;

interface Endpoint {
  system: string;
  event: string;
  definition: EventDefinition;
  secret: string | undefined;
}

const FORBIDDEN_KEYS = new Set(["__proto__", "constructor"]);
const DEFAULT_TOLERANCE_MS = 300_000;

/** The first forbidden key anywhere in a parsed JSON value, with its path. */
export function forbiddenKey(value: unknown, path = "$", depth = 0): string | undefined {
  if (depth > 64 || value === null || typeof value !== "object") return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = forbiddenKey(value[i], `${path}[${i}]`, depth + 1);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  for (const key of Object.keys(value)) {
    if (FORBIDDEN_KEYS.has(key)) return `${path}.${key}`;
    const found = forbiddenKey((value as Record<string, unknown>)[key], `${path}.${key}`, depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}

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

interface Parsed {
  payloads: unknown[];
  traceId?: string;
}

function cloudEventData(event: Record<string, unknown>): unknown {
  if (event["specversion"] !== "1.0") throw new Error("a CloudEvent must have specversion 1.0");
  for (const attribute of ["id", "source", "type"]) {
    if (typeof event[attribute] !== "string" || event[attribute] === "") throw new Error(`a CloudEvent needs the attribute ${attribute}`);
  }
  if (typeof event["data_base64"] === "string") return JSON.parse(Buffer.from(event["data_base64"], "base64").toString("utf8"));
  return event["data"];
}

function traceOf(traceparent: string | undefined): string | undefined {
  const match = traceparent === undefined ? null : /^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/.exec(traceparent);
  return match?.[1];
}

function parse(request: WebhookRequest): Parsed {
  const type = (request.headers["content-type"] ?? "application/json").toLowerCase();
  const json: unknown = JSON.parse(request.body.toString("utf8"));
  const where = forbiddenKey(json);
  if (where !== undefined) throw new Error(`the payload contains the forbidden key ${where}`);
  const traceId = traceOf(request.headers["traceparent"]);
  const withTrace = (payloads: unknown[]): Parsed => (traceId === undefined ? { payloads } : { payloads, traceId });
  if (type.startsWith("application/cloudevents-batch+json")) {
    if (!Array.isArray(json)) throw new Error("a CloudEvents batch must be a JSON array");
    return withTrace(json.map((e) => cloudEventData(e as Record<string, unknown>)));
  }
  if (type.startsWith("application/cloudevents+json")) {
    if (json === null || typeof json !== "object" || Array.isArray(json)) throw new Error("a structured CloudEvent must be a JSON object");
    return withTrace([cloudEventData(json as Record<string, unknown>)]);
  }
  if (request.headers["ce-specversion"] !== undefined) {
    if (request.headers["ce-specversion"] !== "1.0") throw new Error("a CloudEvent must have specversion 1.0");
    for (const attribute of ["id", "source", "type"]) {
      if (!request.headers[`ce-${attribute}`]) throw new Error(`a CloudEvent needs the header ce-${attribute}`);
    }
  }
  return withTrace(Array.isArray(json) ? json : [json]);
}

/** Options of the webhook handler. */
export interface WebhookOptions {
  compiled: CompiledSpecSet;
  runtime: Pick<Runtime, "offer">;
  resolve: ValueResolver;
  now: () => number;
  /** Bodies larger than this are refused with 413 (default 1 MiB). */
  maxBodyBytes?: number;
}

/** The default body limit. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/** Builds the handler; webhook secrets are resolved now, so a missing one fails at start-up. */
export function createWebhookHandler(options: WebhookOptions): WebhookHandler {
  const endpoints = new Map<string, Endpoint>();
  for (const [systemName, system] of Object.entries(options.compiled.systems)) {
    for (const [eventName, definition] of Object.entries(system.events)) {
      const webhook = definition.webhook;
      if (definition.delivery !== "webhook" || webhook === undefined) continue;
      const secret = webhook.signature === undefined ? undefined : options.resolve(webhook.signature.secret, `${systemName}.events.${eventName}.webhook.signature.secret`);
      endpoints.set(webhook.path, { system: systemName, event: eventName, definition, secret });
    }
  }
  const limit = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  return async (request) => {
    const endpoint = endpoints.get(request.path);
    if (endpoint === undefined) return { status: 404, body: { error: `no webhook is declared at ${request.path}` } };
    if (request.method !== "POST") return { status: 405, body: { error: "webhooks are POSTed" } };
    if (request.body.length > limit) return { status: 413, body: { error: `the body is larger than ${limit} bytes` } };
    const signature = endpoint.definition.webhook?.signature;
    if (signature !== undefined) {
      const problem = verifySignature(signature, endpoint.secret ?? "", request.headers, request.body, options.now());
      if (problem !== undefined) return { status: 401, body: { error: problem } };
    }
    let parsed: Parsed;
    try {
      parsed = parse(request);
    } catch (error) {
      return { status: 400, body: { error: error instanceof SyntaxError ? `the body is not JSON: ${error.message}` : (error as Error).message } };
    }
    const source: EventSource = { system: endpoint.system, event: endpoint.event };
    const result = await options.runtime.offer(source, parsed.payloads, parsed.traceId === undefined ? {} : { traceId: parsed.traceId });
    const count = (status: string) => result.outcomes.filter((o) => o.status === status).length;
    const body = { accepted: count("accepted"), duplicates: count("duplicate"), conflicts: count("conflict"), refused: result.refused };
    if (result.outcomes.length === 0 && result.refused.length > 0) return { status: 422, body };
    return { status: 202, body };
  };
}
