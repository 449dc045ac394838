/**
 * `startDashboard`: the operator's web page over node:http. Every page, API call and `/metrics`
 * requires the token (an `Authorization: Bearer` header, or the cookie set by opening
 * `/?token=...` once); without it the answer is 401. `spec run` and `spec demo` both call this.
 */
import { randomBytes, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Registry } from "prom-client";
import { createOpsMetrics } from "../ops/metrics.ts";
import type { Reconciler } from "../ops/reconcile/reconciler.ts";
import { collectSnapshot, type OpsSnapshot, type RuntimeView } from "../ops/snapshot.ts";
import type { CompiledSpecSet } from "../runtime/pipeline.ts";
import type { IssueAction, Store } from "../runtime/store/store.ts";
import { CLIENT_SCRIPT } from "./client.ts";
import { renderOverview, renderTrace } from "./render.ts";

/** What the dashboard shows and acts on. */
export interface DashboardOptions {
  store: Store;
  compiled: CompiledSpecSet;
  /** The runtime hosted in this process, for circuit states. */
  runtime?: RuntimeView;
  reconciler?: Reconciler;
  /** Latency per system, when known. */
  latency?: (system: string) => { meanMs: number; maxMs: number } | null;
  /** The token; a random one when absent. */
  token?: string;
  port?: number;
  host?: string;
  title?: string;
  /** A registry to put the metrics on (the host service's); a new one when absent. */
  registry?: Registry;
  now?: () => number;
}

/** A running dashboard. */
export interface Dashboard {
  url: string;
  token: string;
  /** The URL that signs a browser in (sets the cookie). */
  loginUrl: string;
  snapshot(): Promise<OpsSnapshot>;
  close(): Promise<void>;
}

const COOKIE = "syncspec_token";

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function presented(request: IncomingMessage, url: URL): string | undefined {
  const auth = request.headers.authorization;
  if (auth?.startsWith("Bearer ")) return auth.slice(7);
  const cookie = (request.headers.cookie ?? "").split(";").map((c) => c.trim().split("=")).find(([name]) => name === COOKIE);
  if (cookie?.[1] !== undefined) return decodeURIComponent(cookie[1]);
  return url.searchParams.get("token") ?? undefined;
}

function send(response: ServerResponse, status: number, type: string, body: string, headers: Record<string, string> = {}): void {
  response.writeHead(status, { "content-type": type, "cache-control": "no-store", ...headers });
  response.end(body);
}

async function readJson(request: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > 1_048_576) throw new Error("the body is larger than 1 MiB");
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString("utf8");
  const value = text === "" ? {} : (JSON.parse(text) as unknown);
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new Error("the body must be a JSON object");
  return value as Record<string, unknown>;
}

/** Starts the dashboard on `host:port` (127.0.0.1 and a free port by default). */
export async function startDashboard(options: DashboardOptions): Promise<Dashboard> {
  const token = options.token ?? randomBytes(18).toString("base64url");
  const title = options.title ?? "syncspec operations";
  const now = options.now ?? Date.now;
  let cached: { at: number; value: Promise<OpsSnapshot> } | undefined;
  const snapshot = (fresh = false): Promise<OpsSnapshot> => {
    if (fresh || cached === undefined || now() - cached.at > 2000) {
      cached = {
        at: now(),
        value: collectSnapshot({
          store: options.store,
          compiled: options.compiled,
          ...(options.runtime === undefined ? {} : { runtime: options.runtime }),
          ...(options.reconciler === undefined ? {} : { reconciliations: () => options.reconciler?.latest() ?? [] }),
          ...(options.latency === undefined ? {} : { latency: options.latency }),
          now,
        }),
      };
    }
    return cached.value;
  };
  const metrics = createOpsMetrics({ snapshot: () => snapshot(), ...(options.registry === undefined ? {} : { registry: options.registry }) });

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = new URL(request.url ?? "/", "http://dashboard");
    const given = presented(request, url);
    if (given === undefined || !same(given, token)) {
      send(response, 401, "text/plain; charset=utf-8", "401: a token is required (open the dashboard URL printed with its token)\n", { "www-authenticate": "Bearer" });
      return;
    }
    if (url.searchParams.has("token")) {
      // Trade the token in the URL for a cookie, so it does not stay in the address bar.
      url.searchParams.delete("token");
      send(response, 303, "text/plain", "", { location: url.pathname + url.search, "set-cookie": `${COOKIE}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/` });
      return;
    }
    const path = url.pathname;
    if (request.method === "GET" && path === "/") return send(response, 200, "text/html; charset=utf-8", renderOverview(await snapshot(), title));
    if (request.method === "GET" && path === "/app.js") return send(response, 200, "text/javascript; charset=utf-8", CLIENT_SCRIPT);
    if (request.method === "GET" && path === "/api/snapshot") return send(response, 200, "application/json", JSON.stringify(await snapshot(url.searchParams.has("fresh"))));
    if (request.method === "GET" && path === "/metrics") return send(response, 200, metrics.contentType, await metrics.render());
    if (request.method === "GET" && path === "/trace") {
      const wanted = url.searchParams.get("event") ?? url.searchParams.get("trace") ?? "";
      let traceId = wanted;
      if (/^\d+$/.test(wanted)) traceId = (await options.store.eventTrace(Number(wanted))) ?? wanted;
      return send(response, 200, "text/html; charset=utf-8", renderTrace(traceId, await options.store.auditTrail({ traceId, limit: 10_000 }), title));
    }
    if (request.method === "POST" && path === "/api/reconcile") {
      if (options.reconciler === undefined) return send(response, 404, "application/json", JSON.stringify({ error: "no reconciler runs here" }));
      const results = await options.reconciler.runAll();
      cached = undefined;
      return send(response, 200, "application/json", JSON.stringify(results.map((r) => ({ reconciliation: r.reconciliation, gaps: r.gaps.length }))));
    }
    const action = /^\/api\/issues\/(\d+)\/(retry|edit|skip)$/.exec(path);
    if (request.method === "POST" && action !== null) {
      let body: Record<string, unknown>;
      try {
        body = await readJson(request);
      } catch (error) {
        return send(response, 400, "application/json", JSON.stringify({ error: (error as Error).message }));
      }
      const why = typeof body["why"] === "string" ? body["why"].trim() : "";
      if (why === "") return send(response, 400, "application/json", JSON.stringify({ error: "why is required: say why, for the audit log" }));
      const kind = action[2] as "retry" | "edit" | "skip";
      if (kind === "edit" && body["payload"] === undefined) return send(response, 400, "application/json", JSON.stringify({ error: "edit needs the corrected payload" }));
      const base = { issueId: Number(action[1]), who: String(body["who"] ?? "dashboard"), why, now: now() };
      const request_: IssueAction = kind === "edit" ? { ...base, action: "edit", payload: body["payload"] } : { ...base, action: kind };
      try {
        const issue = await options.store.resolveIssue(request_);
        cached = undefined;
        return send(response, 200, "application/json", JSON.stringify(issue));
      } catch (error) {
        const status = (error as Error).name === "IssueStateError" ? 409 : 500;
        return send(response, status, "application/json", JSON.stringify({ error: (error as Error).message }));
      }
    }
    send(response, 404, "text/plain; charset=utf-8", `404: no ${request.method} ${path}\n`);
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) send(response, 500, "text/plain; charset=utf-8", `500: ${(error as Error).message}\n`);
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, options.host ?? "127.0.0.1", resolve));
  const address = server.address() as AddressInfo;
  const url = `http://${address.address}:${address.port}`;
  return {
    url,
    token,
    loginUrl: `${url}/?token=${encodeURIComponent(token)}`,
    snapshot: () => snapshot(true),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
