/**
 * How a delivery reaches a target: a Transport takes a request and answers with the target's
 * status, headers and parsed body. `fetchTransport` speaks HTTP; tests and benchmarks pass the
 * in-process fake targets of src/testing directly.
 */

import { NetworkError } from "../errors.ts";

/** One call to a target system. */
export interface TargetRequest {
  system: string;
  operation: string;
  method: string;
  url: string;
  headers: Readonly<Record<string, string>>;
  body?: string;
  timeoutMs: number;
}

/** What the target answered. Header names are lower-case. */
export interface TargetResponse {
  status: number;
  headers: Readonly<Record<string, string>>;
  body: unknown;
}

/** Sends a request; rejects on a network error or timeout. */
export type Transport = (request: TargetRequest) => Promise<TargetResponse>;

export { NetworkError };

/** Sends requests with `fetch`, aborting after the request's timeout. */
export function fetchTransport(fetchImpl: typeof fetch = fetch): Transport {
  return async (request) => {
    let response: Response;
    try {
      const init: RequestInit = { method: request.method, headers: request.headers, signal: AbortSignal.timeout(request.timeoutMs) };
      if (request.body !== undefined) init.body = request.body;
      response = await fetchImpl(request.url, init);
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code;
      const reason = (error as Error).name === "TimeoutError" ? `timed out after ${request.timeoutMs}ms` : (cause ?? (error as Error).message);
      throw new NetworkError(`${request.system}.${request.operation}: ${reason}`);
    }
    const text = await response.text().catch(() => "");
    let body: unknown = text;
    if (text !== "" && (response.headers.get("content-type") ?? "").includes("json")) {
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
      }
    }
    const headers: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      headers[name.toLowerCase()] = value;
    });
    return { status: response.status, headers, body };
  };
}
