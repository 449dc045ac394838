/**
 * Reading a webhook body: its media type (JSON, a structured CloudEvent or a CloudEvents batch;
 * anything else is 415), strict UTF-8, JSON no deeper than the nesting limit and without
 * `__proto__` or `constructor` keys at any depth, then each CloudEvent's attributes. Every refusal
 * is a 4xx answer with a sentence that says where in the body the problem is: nothing a sender
 * sends makes intake fail, and nothing internal is echoed back.
 */
import type { WebhookRequest } from "./webhook.ts";

/** How deep a payload may nest (objects and arrays), the body's top level being depth 1. */
export const MAX_JSON_DEPTH = 64;

/** One payload from a body, with the CloudEvent it came in when it came in one. */
export interface BodyItem {
  payload: unknown;
  /** CloudEvents makes `source` + `id` unique: a redelivery repeats both. */
  cloudEvent?: { source: string; id: string };
}

/** What a body held. */
export interface ParsedBody {
  items: BodyItem[];
  traceId?: string;
  /** The sender's W3C `traceparent`, when it is a valid one: intake continues its trace. */
  traceparent?: string;
}

/** A refusal: the status and the sentence sent back. */
export interface BodyRefusal {
  status: 400 | 415;
  error: string;
}

const FORBIDDEN_KEYS = new Set(["__proto__", "constructor"]);
const JSON_TYPES = ["application/json", "application/cloudevents+json", "application/cloudevents-batch+json"];
const utf8 = new TextDecoder("utf-8", { fatal: true });

/** The first problem of a parsed JSON value: a forbidden key at any depth, or nesting past the limit. */
export function jsonProblem(value: unknown, maxDepth = MAX_JSON_DEPTH, root = "$"): string | undefined {
  // Iterative, so no payload can exhaust the stack however deep it nests.
  const stack: { value: unknown; path: string; depth: number }[] = [{ value, path: root, depth: 1 }];
  while (stack.length > 0) {
    const { value: node, path, depth } = stack.pop() as { value: unknown; path: string; depth: number };
    if (node === null || typeof node !== "object") continue;
    if (depth > maxDepth) return `the payload nests deeper than ${maxDepth} levels (at ${path})`;
    if (Array.isArray(node)) {
      for (let i = node.length - 1; i >= 0; i--) stack.push({ value: node[i], path: `${path}[${i}]`, depth: depth + 1 });
      continue;
    }
    const keys = Object.keys(node);
    for (const key of keys) if (FORBIDDEN_KEYS.has(key)) return `the payload contains the forbidden key ${path}.${key}`;
    for (let i = keys.length - 1; i >= 0; i--) {
      const key = keys[i] as string;
      stack.push({ value: (node as Record<string, unknown>)[key], path: `${path}.${key}`, depth: depth + 1 });
    }
  }
  return undefined;
}

/** The first forbidden key anywhere in a parsed JSON value, with its path (any depth). */
export function forbiddenKey(value: unknown): string | undefined {
  const problem = jsonProblem(value, Number.POSITIVE_INFINITY);
  return problem?.replace("the payload contains the forbidden key ", "");
}

/** The media type, lower-case without parameters, or a refusal when it is not JSON in UTF-8. */
function mediaType(contentType: string | undefined): string | BodyRefusal {
  if (contentType === undefined || contentType.trim() === "") {
    return { status: 415, error: "the request has no Content-Type; send application/json" };
  }
  const [type = "", ...parameters] = contentType.toLowerCase().split(";").map((part) => part.trim());
  if (!JSON_TYPES.includes(type) && !/^application\/[a-z0-9.+-]+\+json$/.test(type)) {
    return { status: 415, error: `the Content-Type ${type} is not accepted; send application/json` };
  }
  const charset = parameters.find((p) => p.startsWith("charset="))?.slice("charset=".length).replace(/"/g, "");
  if (charset !== undefined && charset !== "utf-8" && charset !== "utf8") {
    return { status: 415, error: `the charset ${charset} is not accepted; JSON is sent in UTF-8` };
  }
  return type;
}

/** Decodes strict UTF-8 and parses JSON, or says why not. */
function parseJson(bytes: Buffer, what: string): { value: unknown } | { error: string } {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return { error: `${what} is not valid UTF-8` };
  }
  try {
    return { value: JSON.parse(text) };
  } catch (error) {
    return { error: `${what} is not JSON: ${(error as Error).message}` };
  }
}

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === "object" && !Array.isArray(value);

/** Reads one CloudEvent in structured form; `at` locates it in the body. */
function cloudEvent(event: unknown, at: string): BodyItem | string {
  if (!isObject(event)) return at === "$" ? "a structured CloudEvent must be a JSON object" : `${at} is not a CloudEvent: a CloudEvent is a JSON object`;
  const where = at === "$" ? "" : `${at}: `;
  if (event["specversion"] !== "1.0") return `${where}a CloudEvent must have specversion 1.0`;
  for (const attribute of ["id", "source", "type"]) {
    if (typeof event[attribute] !== "string" || event[attribute] === "") return `${where}a CloudEvent needs the attribute ${attribute}`;
  }
  const identity = { source: event["source"] as string, id: event["id"] as string };
  if (event["data_base64"] === undefined) return { payload: event["data"], cloudEvent: identity };
  if (typeof event["data_base64"] !== "string" || !/^[A-Za-z0-9+/]*={0,2}$/.test(event["data_base64"])) return `${at}.data_base64 is not base64`;
  const data = parseJson(Buffer.from(event["data_base64"], "base64"), `${at}.data_base64`);
  if ("error" in data) return data.error;
  const problem = jsonProblem(data.value, MAX_JSON_DEPTH, `${at}.data_base64`);
  return problem ?? { payload: data.value, cloudEvent: identity };
}

function traceOf(traceparent: string | undefined): string | undefined {
  const match = traceparent === undefined ? null : /^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/.exec(traceparent);
  return match?.[1];
}

/** Reads a request's body into payloads, or the 4xx refusal to send. */
export function parseWebhookBody(request: Pick<WebhookRequest, "headers" | "body">, maxDepth = MAX_JSON_DEPTH): ParsedBody | BodyRefusal {
  const type = mediaType(request.headers["content-type"]);
  if (typeof type !== "string") return type;
  const parsed = parseJson(request.body, "the body");
  if ("error" in parsed) return { status: 400, error: parsed.error };
  const json = parsed.value;
  const problem = jsonProblem(json, maxDepth);
  if (problem !== undefined) return { status: 400, error: problem };
  const traceId = traceOf(request.headers["traceparent"]);
  const traceparent = request.headers["traceparent"];
  const body = (items: BodyItem[]): ParsedBody => (traceId === undefined || traceparent === undefined ? { items } : { items, traceId, traceparent });
  const events = (list: unknown[], at: (i: number) => string): ParsedBody | BodyRefusal => {
    const items: BodyItem[] = [];
    for (let i = 0; i < list.length; i++) {
      const item = cloudEvent(list[i], at(i));
      if (typeof item === "string") return { status: 400, error: item };
      items.push(item);
    }
    return body(items);
  };
  if (type === "application/cloudevents-batch+json") {
    if (!Array.isArray(json)) return { status: 400, error: "a CloudEvents batch must be a JSON array" };
    return events(json, (i) => `$[${i}]`);
  }
  if (type === "application/cloudevents+json") return events([json], () => "$");
  const headers = request.headers;
  if (headers["ce-specversion"] !== undefined) {
    if (headers["ce-specversion"] !== "1.0") return { status: 400, error: "a CloudEvent must have specversion 1.0" };
    for (const attribute of ["id", "source", "type"]) {
      if (!headers[`ce-${attribute}`]) return { status: 400, error: `a CloudEvent needs the header ce-${attribute}` };
    }
    return body([{ payload: json, cloudEvent: { source: headers["ce-source"] as string, id: headers["ce-id"] as string } }]);
  }
  return body((Array.isArray(json) ? json : [json]).map((payload) => ({ payload })));
}
