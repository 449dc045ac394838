/**
 * `startDashboard`: the operator's web page over node:http. Every page, API call and `/metrics`
 * requires the token (an `Authorization: Bearer` header, or the session cookie set by signing in once,
 * through the sign-in form or by opening `/?token=...`); without it the answer is 401. A change
 * (an issue action, a reconciliation run) signed in by the cookie must come from the dashboard's
 * own page (see guard.ts); its audit actor is the operator the dashboard was started for, never a
 * name the request gives. Refusals are logged and counted. `spec run` and `spec demo` both call this.
 */
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Counter, type Registry } from "prom-client";
import { correctionProblem } from "../ops/issue-corrections.ts";
import { createOpsMetrics } from "../ops/metrics.ts";
import type { Reconciler } from "../ops/reconcile/reconciler.ts";
import { collectSnapshot, type OpsSnapshot, type RuntimeView } from "../ops/snapshot.ts";
import type { CompiledSpecSet } from "../runtime/pipeline.ts";
import type { IssueAction, Store } from "../runtime/store/store.ts";
import { CLIENT_SCRIPT } from "./client.ts";
import { createGuard, type Refusal, SECURITY_HEADERS } from "./guard.ts";
import { loginPage, STYLE } from "./html.ts";
import { renderOverview, renderTrace } from "./render.ts";

/** One structured log entry of the dashboard. */
export type DashboardLogEntry = { level: "info" | "warn" | "error"; msg: string } & Record<string, unknown>;

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
  /** The operator the token stands for: the audit actor of the actions taken here (default `dashboard`). */
  user?: string;
  port?: number;
  /** The address to bind (default 127.0.0.1). */
  host?: string;
  /** Further origins the dashboard's page is served from (behind a proxy: `https://ops.example.com`). */
  origins?: readonly string[];
  title?: string;
  /** A registry to put the metrics on (the host service's); a new one when absent. */
  registry?: Registry;
  /** Where refusals and actions are logged (default: nowhere). */
  log?: (entry: DashboardLogEntry) => void;
  /** Scrubs secrets from every page and answer (see `createRedactor`). */
  redact?: (text: string) => string;
  now?: () => number;
}

/** A running dashboard. */
export interface Dashboard {
  url: string;
  token: string;
  /** The URL that signs a browser in (sets the cookie). It carries the token: never log it. */
  loginUrl: string;
  snapshot(): Promise<OpsSnapshot>;
  close(): Promise<void>;
}

function send(response: ServerResponse, status: number, type: string, body: string, headers: Record<string, string> = {}): void {
  response.writeHead(status, { ...SECURITY_HEADERS, "content-type": type, "cache-control": "no-store", ...headers });
  response.end(body);
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > 1_048_576) throw new Error("the body is larger than 1 MiB");
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

async function readJson(request: IncomingMessage): Promise<Record<string, unknown>> {
  const text = await readBody(request);
  const value = text === "" ? {} : (JSON.parse(text) as unknown);
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new Error("the body must be a JSON object");
  return value as Record<string, unknown>;
}

const LOOPBACK = new Set(["127.0.0.1", "::1", "localhost"]);
const WILDCARD = new Set(["0.0.0.0", "::", ""]);

/**
 * The origins a browser shows for the dashboard bound at `host:port`: every loopback name for a
 * loopback address. Bound to every address, the names it is reached by are not known here: a page
 * of the host the browser asked for is its own (the cookie is only ever sent to that host).
 */
function ownOrigins(host: string, port: number, extra: readonly string[]): (origin: string, request: IncomingMessage) => boolean {
  const bracket = (h: string) => (h.includes(":") ? `[${h}]` : h);
  const names = LOOPBACK.has(host) ? [...LOOPBACK] : [host];
  const origins = new Set([...names.map((h) => `http://${bracket(h)}:${port}`), ...extra.map((o) => new URL(o).origin)]);
  return (origin, request) => origins.has(origin) || (WILDCARD.has(host) && request.headers.host !== undefined && origin === `http://${request.headers.host}`);
}

/**
 * An issue action from the page: the reason is required, an edit needs its payload, and the actor
 * is `who`, the operator signed in, whatever name the body gives. An edit replaces what the page
 * showed for the issue (a stopped delivery's request, else the event's source payload) and is
 * checked against that one's schema first: one the schema refuses is answered 422, naming the fields.
 */
async function actOnIssue(
  store: Store,
  compiled: CompiledSpecSet,
  request: IncomingMessage,
  act: { issueId: number; kind: IssueAction["action"]; who: string; now: number },
): Promise<{ status: number; body: unknown }> {
  let body: Record<string, unknown>;
  try {
    body = await readJson(request);
  } catch (error) {
    return { status: 400, body: { error: (error as Error).message } };
  }
  const why = typeof body["why"] === "string" ? body["why"].trim() : "";
  if (why === "") return { status: 400, body: { error: "why is required: say why, for the audit log" } };
  if (act.kind === "edit" && body["payload"] === undefined) return { status: 400, body: { error: "edit needs the corrected payload" } };
  const base = { issueId: act.issueId, who: act.who, why, now: act.now };
  let action: IssueAction;
  if (act.kind === "edit") {
    const [issue, subject] = await Promise.all([store.issue(act.issueId), store.issueSubject(act.issueId)]);
    const target = subject?.request === undefined || subject.request === null ? "source" : "request";
    const problem = issue === undefined || issue.gap !== null ? undefined : correctionProblem(compiled, issue, subject, target, body["payload"]);
    if (problem !== undefined) return { status: 422, body: { error: problem } };
    action = { ...base, action: "edit", payload: body["payload"], target };
  } else {
    action = { ...base, action: act.kind };
  }
  try {
    return { status: 200, body: await store.resolveIssue(action) };
  } catch (error) {
    return { status: (error as Error).name === "IssueStateError" ? 409 : 500, body: { error: (error as Error).message } };
  }
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

  const log = options.log ?? (() => undefined);
  const redact = options.redact ?? ((text: string) => text);
  const user = options.user ?? "dashboard";
  const host = options.host ?? "127.0.0.1";
  const refusals = new Counter({
    name: "syncspec_dashboard_refusals_total",
    help: "Requests the dashboard refused, by reason: token (not signed in), origin, csrf, content-type",
    labelNames: ["reason"],
    registers: [metrics.registry],
  });
  // Known once the server listens, before the first request can arrive.
  let ownOrigin: (origin: string, request: IncomingMessage) => boolean = () => false;
  const guard = createGuard(token, (origin, request) => ownOrigin(origin, request), now);
  /** Sends a page or an answer, scrubbed of secrets. */
  const show = (response: ServerResponse, status: number, type: string, body: string, headers: Record<string, string> = {}) => send(response, status, type, redact(body), headers);
  const refuse = (request: IncomingMessage, response: ServerResponse, path: string, reason: Refusal, message: string) => {
    refusals.inc({ reason });
    log({ level: "warn", msg: "dashboard refused a request", reason, method: request.method, path, origin: request.headers.origin ?? null, detail: message });
    if (reason === "token") {
      const wantsPage = request.method === "GET" && (request.headers.accept ?? "").includes("text/html");
      if (wantsPage) return send(response, 401, "text/html; charset=utf-8", loginPage(title), { "www-authenticate": "Bearer" });
      return send(response, 401, "text/plain; charset=utf-8", `401: ${message}\n`, { "www-authenticate": "Bearer" });
    }
    send(response, 403, "application/json", JSON.stringify({ error: message }));
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = new URL(request.url ?? "/", "http://dashboard");
    const path = url.pathname;
    if (request.method === "POST" && path === "/login") return login(request, response);
    const via = guard.signedIn(request, url);
    if (via === undefined) return refuse(request, response, path, "token", "a token is required (sign in with the dashboard's token)");
    if (via === "query") {
      // Trade the token in the URL for a cookie, so it does not stay in the address bar.
      url.searchParams.delete("token");
      send(response, 303, "text/plain", "", { location: url.pathname + url.search, "set-cookie": guard.startSession() });
      return;
    }
    if (request.method !== "GET" && request.method !== "HEAD") {
      const refused = guard.refuseChange(request, via);
      if (refused !== undefined) return refuse(request, response, path, refused.reason, refused.message);
    }
    if (request.method === "GET" && path === "/") return show(response, 200, "text/html; charset=utf-8", renderOverview(await snapshot(), title, guard.csrfFor(request)));
    if (request.method === "GET" && path === "/app.js") return send(response, 200, "text/javascript; charset=utf-8", CLIENT_SCRIPT);
    if (request.method === "GET" && path === "/app.css") return send(response, 200, "text/css; charset=utf-8", STYLE);
    if (request.method === "GET" && path === "/api/snapshot") return show(response, 200, "application/json", JSON.stringify(await snapshot(url.searchParams.has("fresh"))));
    if (request.method === "GET" && path === "/metrics") return show(response, 200, metrics.contentType, await metrics.render());
    if (request.method === "GET" && path === "/trace") {
      const wanted = url.searchParams.get("event") ?? url.searchParams.get("trace") ?? "";
      let traceId = wanted;
      if (/^\d+$/.test(wanted)) traceId = (await options.store.eventTrace(Number(wanted))) ?? wanted;
      return show(response, 200, "text/html; charset=utf-8", renderTrace(traceId, await options.store.auditTrail({ traceId, limit: 10_000 }), title, guard.csrfFor(request)));
    }
    if (request.method === "POST" && path === "/api/reconcile") {
      if (options.reconciler === undefined) return send(response, 404, "application/json", JSON.stringify({ error: "no reconciler runs here" }));
      const results = await options.reconciler.runAll();
      cached = undefined;
      log({ level: "info", msg: "dashboard ran the reconciliations", actor: user });
      return show(response, 200, "application/json", JSON.stringify(results.map((r) => ({ reconciliation: r.reconciliation, gaps: r.gaps.length }))));
    }
    const action = /^\/api\/issues\/(\d+)\/(retry|edit|skip)$/.exec(path);
    if (request.method === "POST" && action !== null) {
      const kind = action[2] as IssueAction["action"];
      const answer = await actOnIssue(options.store, options.compiled, request, { issueId: Number(action[1]), kind, who: user, now: now() });
      if (answer.status === 200) {
        cached = undefined;
        log({ level: "info", msg: "dashboard resolved an issue", action: kind, issue: Number(action[1]), actor: user });
      }
      return show(response, answer.status, "application/json", JSON.stringify(answer.body));
    }
    send(response, 404, "text/plain; charset=utf-8", `404: no ${request.method} ${path}\n`);
  };

  /** The sign-in form's POST: the token in a form field traded for the cookie. */
  const login = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const origin = request.headers.origin;
    if (origin !== undefined && !ownOrigin(origin, request)) return refuse(request, response, "/login", "origin", `sign-ins from ${origin} are not accepted here`);
    let given: string | null;
    try {
      const text = await readBody(request);
      given = (request.headers["content-type"] ?? "").includes("json") ? String((JSON.parse(text) as { token?: unknown }).token ?? "") : new URLSearchParams(text).get("token");
    } catch {
      given = null;
    }
    if (given === null || !guard.isToken(given)) {
      refusals.inc({ reason: "token" });
      log({ level: "warn", msg: "dashboard refused a sign-in", reason: "token", origin: origin ?? null });
      return send(response, 401, "text/html; charset=utf-8", loginPage(title, "That is not the dashboard's token."));
    }
    log({ level: "info", msg: "dashboard sign-in", actor: user });
    send(response, 303, "text/plain", "", { location: "/", "set-cookie": guard.startSession() });
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      log({ level: "error", msg: "dashboard request failed", method: request.method, path: request.url?.split("?")[0], error: redact((error as Error).message) });
      if (!response.headersSent) send(response, 500, "text/plain; charset=utf-8", redact(`500: ${(error as Error).message}\n`));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  ownOrigin = ownOrigins(host, address.port, options.origins ?? []);
  const url = `http://${address.address.includes(":") ? `[${address.address}]` : address.address}:${address.port}`;
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
