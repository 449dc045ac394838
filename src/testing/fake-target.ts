/**
 * Fake target systems that behave like real APIs, for the runtime's tests and for users' tests:
 * they check credentials (401), enforce a quota (429 with `Retry-After`), honour idempotency keys
 * (the same key returns the first answer; the same key with another body is a 422) and upserts by
 * external id, remove what they created on a DELETE (404 for what they never gave), and can be
 * told to fail: 5xx, a reset connection, or "effect applied, response lost", or a slow answer. Every applied effect is written to a ledger, which is what tests count.
 *
 * A fake serves in-process (`handle`, usable as a Transport) or over HTTP on 127.0.0.1 (`listen`).
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { NetworkError, type TargetRequest, type TargetResponse, type Transport } from "../runtime/delivery/transport.ts";

/**
 * A request's body as a server reads it: JSON parsed, a form as its key/value pairs (`meta[a]`:
 * "1", the way form APIs such as Chargebee's receive nested fields). Throws on a body that is not JSON.
 */
export function requestBody(request: TargetRequest): unknown {
  return parseBody(request.body, lowerCased(request.headers)["content-type"] ?? "");
}

function parseBody(body: string | undefined, contentType: string): unknown {
  if (body === undefined || body === "") return undefined;
  return contentType.startsWith("application/x-www-form-urlencoded") ? Object.fromEntries(new URLSearchParams(body)) : (JSON.parse(body) as unknown);
}

/** Headers by lower-case name, as a server reads them. */
function lowerCased(headers: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name in headers) out[name.toLowerCase()] = headers[name] as string;
  return out;
}

/** The path of an absolute URL, without its query or fragment. */
function pathOf(url: string): string {
  const start = url.indexOf("/", url.indexOf("//") + 2);
  if (start < 0) return "/";
  let end = url.length;
  for (const mark of ["?", "#"]) {
    const at = url.indexOf(mark, start);
    if (at >= 0 && at < end) end = at;
  }
  return url.slice(start, end);
}

/** A failure to inject into one request. */
export type Fault =
  | { status: number; retryAfter?: string; body?: unknown }
  /** The effect is applied, then the connection drops before the answer. */
  | "lost"
  /** The connection drops before anything is applied. */
  | "reset";

/** One applied effect. */
export interface LedgerEntry {
  operation: string;
  method: string;
  path: string;
  /** The idempotency key or external id the request carried, if any. */
  key: string | undefined;
  body: unknown;
  id: string;
  /** When the target applied it, on its clock (`now`): the date a real API stamps on what it creates. */
  at: number;
}

/** How a fake target behaves. */
export interface FakeTargetOptions {
  name: string;
  /** The header and value every request must carry, for example `authorization: Bearer t`. */
  auth?: { header: string; value: string };
  /** The header carrying idempotency keys (default `idempotency-key`). */
  idempotencyHeader?: string;
  /** For upserts: the body field carrying the external id, with the methods that upsert (default PUT). */
  externalIdField?: string;
  /** At most `limit` requests per `windowMs` (by the fake's clock), then 429 with Retry-After. */
  quota?: { limit: number; windowMs: number };
  /** Decides a fault for the n-th request (1-based); undefined lets it through. */
  fault?: (request: { method: string; path: string; body: unknown; n: number }) => Fault | undefined;
  /**
   * How many milliseconds (real time) the answer to the n-th request is held after its effect is
   * applied; undefined answers at once. While it is held, a request carrying the same idempotency
   * key is answered 409 without an id (the first is still in progress), as Stripe answers one.
   */
  slow?: (request: { method: string; path: string; body: unknown; n: number }) => number | undefined;
  now?: () => number;
  /**
   * The id the API gives a new record, as real APIs number theirs (`KJ-0001` for journals);
   * undefined, or no function, gives `<name>-<n>` (n counting every applied effect).
   */
  id?: (request: { operation: string; method: string; path: string; body: unknown }) => string | undefined;
}

/** A fake target. */
export interface FakeTarget {
  readonly name: string;
  readonly ledger: readonly LedgerEntry[];
  /** Requests received, effects applied or not. */
  readonly requests: number;
  /** Serves one request in-process. */
  handle(request: TargetRequest): Promise<TargetResponse>;
  /** Serves over HTTP on 127.0.0.1; resolves with the base URL. */
  listen(): Promise<string>;
  close(): Promise<void>;
  /** Changes the fault injector. */
  setFault(fault: FakeTargetOptions["fault"]): void;
}

interface Stored {
  bodyText: string;
  response: TargetResponse;
}

/** Creates a fake target. */
export function createFakeTarget(options: FakeTargetOptions): FakeTarget {
  const now = options.now ?? Date.now;
  const keyHeader = (options.idempotencyHeader ?? "idempotency-key").toLowerCase();
  const ledger: LedgerEntry[] = [];
  const byKey = new Map<string, Stored>();
  const byExternalId = new Map<string, LedgerEntry>();
  /** Ids of records removed by a DELETE. */
  const removed = new Set<string>();
  /** Idempotency keys whose first answer is being held (`slow`). */
  const inProgress = new Set<string>();
  let fault = options.fault;
  let requests = 0;
  let windowStart = 0;
  let windowCount = 0;
  let server: Server | undefined;

  const json = (status: number, body: unknown, headers: Record<string, string> = {}): TargetResponse => ({
    status,
    headers: { "content-type": "application/json", ...headers },
    body,
  });

  const newId = (operation: string, method: string, path: string, body: unknown) => options.id?.({ operation, method, path, body }) ?? `${options.name}-${ledger.length + 1}`;

  /**
   * A DELETE of `<collection>/<id>` removes a record the fake created, as REST APIs do: 204, and
   * 404 for an id it never gave or already removed. The removal is an effect: the ledger keeps it.
   */
  function remove(path: string, operation: string, key: string | undefined): TargetResponse {
    const id = decodeURIComponent(path.slice(path.lastIndexOf("/") + 1));
    if (removed.has(id) || !ledger.some((e) => e.id === id && e.method !== "DELETE")) return json(404, { error: `no record ${id}` });
    removed.add(id);
    ledger.push({ operation, method: "DELETE", path, key, body: undefined, id, at: now() });
    return { status: 204, headers: {}, body: undefined };
  }

  function apply(method: string, path: string, operation: string, key: string | undefined, body: unknown): TargetResponse {
    if (method === "DELETE") return remove(path, operation, key);
    const field = options.externalIdField;
    const record = body !== null && typeof body === "object" ? (body as Record<string, unknown>) : {};
    if (field !== undefined && method === "PUT" && typeof record[field] === "string") {
      const externalId = record[field] as string;
      const existing = byExternalId.get(externalId);
      if (existing !== undefined) {
        existing.body = body;
        return json(200, { id: existing.id, ...record });
      }
      const entry: LedgerEntry = { operation, method, path, key: externalId, body, id: newId(operation, method, path, body), at: now() };
      ledger.push(entry);
      byExternalId.set(externalId, entry);
      return json(201, { id: entry.id, ...record });
    }
    const entry: LedgerEntry = { operation, method, path, key, body, id: newId(operation, method, path, body), at: now() };
    ledger.push(entry);
    return json(201, { id: entry.id, ...record });
  }

  async function handle(request: TargetRequest): Promise<TargetResponse> {
    requests += 1;
    const headers = lowerCased(request.headers);
    const path = pathOf(request.url);
    let body: unknown;
    try {
      body = parseBody(request.body, headers["content-type"] ?? "");
    } catch {
      return json(400, { error: "the body is not JSON" });
    }
    if (options.auth !== undefined && headers[options.auth.header.toLowerCase()] !== options.auth.value) {
      return json(401, { error: "unauthorized" });
    }
    if (options.quota !== undefined) {
      const t = now();
      if (t - windowStart >= options.quota.windowMs) {
        windowStart = t;
        windowCount = 0;
      }
      windowCount += 1;
      if (windowCount > options.quota.limit) {
        const seconds = Math.max(1, Math.ceil((windowStart + options.quota.windowMs - t) / 1000));
        return json(429, { error: "rate limited" }, { "retry-after": String(seconds) });
      }
    }
    const injected = fault?.({ method: request.method, path, body, n: requests });
    if (injected === "reset") throw new NetworkError(`${options.name}: connection reset`);
    if (injected !== undefined && injected !== "lost") {
      return json(injected.status, injected.body ?? { error: `injected ${injected.status}` }, injected.retryAfter ? { "retry-after": injected.retryAfter } : {});
    }
    const key = headers[keyHeader];
    const bodyText = request.body ?? "";
    if (key !== undefined && inProgress.has(key)) return json(409, { error: "a request with this idempotency key is in progress" });
    let response: TargetResponse;
    if (key !== undefined) {
      const stored = byKey.get(key);
      if (stored !== undefined) {
        response = stored.bodyText === bodyText ? stored.response : json(422, { error: "the idempotency key was used with another body" });
      } else {
        response = apply(request.method, path, request.operation, key, body);
        byKey.set(key, { bodyText, response });
      }
    } else {
      response = apply(request.method, path, request.operation, undefined, body);
    }
    if (injected === "lost") throw new NetworkError(`${options.name}: the connection dropped after the request was applied`);
    const delay = options.slow?.({ method: request.method, path, body, n: requests });
    if (delay !== undefined && delay > 0) {
      if (key !== undefined) inProgress.add(key);
      await new Promise((resolve) => setTimeout(resolve, delay));
      if (key !== undefined) inProgress.delete(key);
    }
    return response;
  }

  async function readBody(req: IncomingMessage): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString("utf8");
  }

  return {
    name: options.name,
    ledger,
    get requests() {
      return requests;
    },
    handle,
    setFault(next) {
      fault = next;
    },
    async listen() {
      server = createServer((req, res) => {
        void (async () => {
          const text = await readBody(req);
          const headers: Record<string, string> = {};
          for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers[k] = v;
          try {
            const answer = await handle({
              system: options.name,
              operation: `${req.method} ${req.url}`,
              method: req.method ?? "GET",
              url: `http://127.0.0.1${req.url ?? "/"}`,
              headers,
              body: text,
              timeoutMs: 0,
            });
            res.writeHead(answer.status, answer.headers);
            res.end(answer.body === undefined ? "" : JSON.stringify(answer.body));
          } catch {
            req.socket.destroy();
          }
        })();
      });
      server.keepAliveTimeout = 1000;
      await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    },
    async close() {
      if (server === undefined) return;
      server.closeAllConnections();
      await new Promise<void>((resolve) => server?.close(() => resolve()));
    },
  };
}

/** A Transport that hands each request to the fake target named by its system. */
export function fakeTransport(targets: readonly FakeTarget[]): Transport {
  const byName = new Map(targets.map((t) => [t.name, t]));
  return (request) => {
    const target = byName.get(request.system);
    if (target === undefined) return Promise.reject(new NetworkError(`no fake target for ${request.system}`));
    return target.handle(request);
  };
}
