/**
 * Requests as the runtime sends them, built for the contract test: a JSONata mapping turns
 * canonical test data into `{ path, query, body }`, the body is encoded as the operation
 * declares, and the System's auth becomes headers with dummy credentials.
 */
import type { Auth, Operation } from "../../src/model/system.ts";
import { encodeRequestBody, expandPath } from "../../src/encoding/request.ts";

/** What a mapping produces for one operation. */
export interface MappedRequest {
  path?: Record<string, unknown>;
  query?: Record<string, unknown>;
  body?: unknown;
}

/** A request ready to send. */
export interface HttpRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

type Evaluator = (expression: string, input: unknown) => Promise<unknown>;

let evaluator: Promise<Evaluator> | undefined;

/**
 * Evaluates JSONata through the project's ahead-of-time compiler, or the `jsonata` package
 * where the compiler is not available.
 */
export function evaluateMapping(expression: string, input: unknown): Promise<unknown> {
  evaluator ??= import("../../src/transform/index.ts").then(
    (transform) => async (source: string, data: unknown) => await transform.compileExpression(source).evaluate(data),
    async () => {
      const jsonata = (await import("jsonata")).default;
      return async (source: string, data: unknown) => await jsonata(source).evaluate(data);
    },
  );
  return evaluator.then((evaluate) => evaluate(expression, input));
}

/** The headers a System's auth declaration puts on every request, with dummy credentials. */
export function authHeaders(auth: Auth): Record<string, string> {
  const headers: Record<string, string> = {};
  if (auth.type === "oauth2-client-credentials") headers["authorization"] = "Bearer dummy-access-token";
  else if (auth.type === "bearer") headers["authorization"] = "Bearer dummy-token";
  else if (auth.type === "basic") headers["authorization"] = `Basic ${Buffer.from("dummy_api_key:").toString("base64")}`;
  else if (auth.type === "api-key" && auth.header !== undefined) headers[auth.header.toLowerCase()] = "dummy-api-key";
  if (auth.tenantHeader !== undefined) headers[auth.tenantHeader.name.toLowerCase()] = "00000000-0000-4000-8000-000000000001";
  return headers;
}

/** The request for `operation` from a mapped request. */
export function buildRequest(baseUrl: string, name: string, operation: Operation, auth: Auth, mapped: MappedRequest): HttpRequest {
  const headers: Record<string, string> = { accept: "application/json", ...authHeaders(auth) };
  if (operation.idempotency?.mechanism === "key-header" && operation.idempotency.header !== undefined) {
    headers[operation.idempotency.header.toLowerCase()] = `contract-${name}`;
  }
  const query = new URLSearchParams(Object.entries(mapped.query ?? {}).map(([k, v]): [string, string] => [k, String(v)])).toString();
  const url = `${baseUrl}${expandPath(operation.path, mapped.path ?? {})}${query === "" ? "" : `?${query}`}`;
  if (mapped.body === undefined || operation.request === undefined) return { method: operation.method, url, headers };
  const encoded = encodeRequestBody(mapped.body, operation.encoding ?? "json");
  return { method: operation.method, url, headers: { ...headers, "content-type": encoded.contentType }, body: encoded.body };
}
