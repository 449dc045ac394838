/**
 * A stateful simulator of one system over node:http on 127.0.0.1 and an ephemeral port. It serves
 * the operations a System spec declares, checks credentials, honours the declared idempotency
 * (a key header replays the first answer; an upsert updates the record with the same external
 * id), misbehaves on a seeded schedule, and keeps a ledger of every effect it applied, so the
 * demo can count postings and any effect applied twice.
 */
import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { OperationDefinition, SystemDefinition } from "../../runtime/pipeline.ts";
import type { FaultSchedule } from "./faults.ts";
import { parseBody, pathTemplate, readBody } from "./request.ts";

/** One request as an operation handler sees it. */
export interface SimulatorRequest {
  operation: OperationDefinition;
  params: Readonly<Record<string, string>>;
  query: URLSearchParams;
  body: unknown;
}

/** A handler's answer; `record` names the record an effect created or changed. */
export interface SimulatorAnswer {
  status: number;
  body: unknown;
  record?: string;
  /** True when the request changed nothing (a create of an identical existing record). */
  unchanged?: boolean;
}

/** Handles one operation by name; it changes the simulator's state and answers. */
export type OperationHandler = (request: SimulatorRequest) => SimulatorAnswer;

/** One effect a simulator applied. */
export interface Posting {
  seq: number;
  operation: string;
  record: string | undefined;
  idempotencyKey: string | undefined;
  /** The same operation, path and body as an earlier posting: an effect applied twice. */
  duplicate: boolean;
  at: number;
}

/** What a simulator saw, for the summary and the dashboard. */
export interface SimulatorStats {
  system: string;
  requests: number;
  outcomes: Record<"ok" | "unauthorized" | "throttled" | "errors" | "outage" | "slow" | "lost" | "replayed" | "rejected", number>;
  postings: Record<string, number>;
  duplicatePostings: number;
  /** Mean and maximum handling time in milliseconds, faults' delays included. */
  latency: { meanMs: number; maxMs: number };
}

/** The settings of one simulator. */
export interface SimulatorOptions {
  system: SystemDefinition;
  handlers: Readonly<Record<string, OperationHandler>>;
  faults: FaultSchedule;
  /** True when the request's credentials are good. */
  authorize(headers: IncomingMessage["headers"]): boolean;
  /** Extra routes (a token endpoint); return true when handled. */
  extra?(method: string, path: string, body: string, response: ServerResponse): boolean;
  now?: () => number;
}

/** A running simulator. */
export interface Simulator {
  readonly name: string;
  /** `http://127.0.0.1:<port>`, once started. */
  readonly url: string;
  start(): Promise<string>;
  close(): Promise<void>;
  stats(): SimulatorStats;
  postings(): readonly Posting[];
  /** Whether the simulator is in its outage window now. */
  down(): boolean;
}

function send(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = body === undefined ? "" : JSON.stringify(body);
  response.writeHead(status, { "content-type": "application/json", ...headers });
  response.end(text);
}

/** Creates a simulator; `start` listens on an ephemeral port. */
export function createSimulator(options: SimulatorOptions): Simulator {
  const now = options.now ?? Date.now;
  const system = options.system;
  const routes = Object.values(system.operations).map((op) => ({ op, path: pathTemplate(op.method, op.path) }));
  const replies = new Map<string, { status: number; body: unknown }>();
  const fingerprints = new Set<string>();
  const ledger: Posting[] = [];
  const outcomes: SimulatorStats["outcomes"] = { ok: 0, unauthorized: 0, throttled: 0, errors: 0, outage: 0, slow: 0, lost: 0, replayed: 0, rejected: 0 };
  let requests = 0;
  let totalMs = 0;
  let maxMs = 0;
  let url = "";

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const started = now();
    const finish = (): void => {
      const took = now() - started;
      totalMs += took;
      maxMs = Math.max(maxMs, took);
    };
    const text = await readBody(request);
    const address = new URL(request.url ?? "/", "http://127.0.0.1");
    const method = request.method ?? "GET";
    if (options.extra?.(method, address.pathname, text, response)) return;
    requests++;
    const route = routes.map((r) => ({ ...r, params: r.path.method === method ? r.path.match(address.pathname) : undefined })).find((r) => r.params !== undefined);
    if (route === undefined || route.params === undefined) {
      outcomes.rejected++;
      send(response, 404, { message: `${system.name} has no ${method} ${address.pathname}` });
      return finish();
    }
    if (!options.authorize(request.headers)) {
      outcomes.unauthorized++;
      send(response, 401, { message: "missing or wrong credentials" });
      return finish();
    }
    const op = route.op;
    const effectful = op.effect !== "read";
    const fault = options.faults.next(effectful, started);
    if (fault.kind === "outage") {
      outcomes.outage++;
      send(response, 503, { message: `${system.name} is down for maintenance` });
      return finish();
    }
    if (fault.kind === "throttle") {
      outcomes.throttled++;
      send(response, 429, { message: "rate limit exceeded" }, { "retry-after": String(fault.retryAfterSeconds) });
      return finish();
    }
    if (fault.kind === "error") {
      outcomes.errors++;
      send(response, fault.status, { message: "internal error" });
      return finish();
    }
    const body = parseBody(text, request.headers["content-type"]);
    const keyHeader = op.idempotency.mechanism === "key-header" ? op.idempotency.header.toLowerCase() : undefined;
    const key = keyHeader === undefined ? undefined : (request.headers[keyHeader] as string | undefined);
    const replayKey = key === undefined ? undefined : `${op.name}\u0000${key}`;
    let answer: { status: number; body: unknown };
    const stored = replayKey === undefined ? undefined : replies.get(replayKey);
    if (stored !== undefined) {
      outcomes.replayed++;
      answer = stored;
    } else {
      const result = options.handlers[`${op.method} ${op.path}`]?.({ operation: op, params: route.params, query: address.searchParams, body }) ?? {
        status: 501,
        body: { message: `${op.name} is not simulated` },
      };
      answer = { status: result.status, body: result.body };
      if (result.status < 300 && effectful && result.unchanged !== true) {
        const fingerprint = createHash("sha256").update(`${op.name}\u0000${address.pathname}\u0000${text}`).digest("hex");
        const duplicate = op.idempotency.mechanism !== "upsert" && fingerprints.has(fingerprint);
        fingerprints.add(fingerprint);
        ledger.push({ seq: ledger.length + 1, operation: op.name, record: result.record, idempotencyKey: key, duplicate, at: now() });
        if (replayKey !== undefined) replies.set(replayKey, answer);
      }
      if (result.status >= 400) outcomes.rejected++;
    }
    if (fault.kind === "lose" && answer.status < 300) {
      outcomes.lost++;
      request.socket.destroy();
      return finish();
    }
    if (fault.kind === "slow") {
      outcomes.slow++;
      await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
    }
    if (answer.status < 300) outcomes.ok++;
    send(response, answer.status, answer.body);
    finish();
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) send(response, 500, { message: String(error) });
    });
  });
  server.keepAliveTimeout = 5_000;

  return {
    name: system.name,
    get url() {
      return url;
    },
    start: () =>
      new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(0, "127.0.0.1", () => {
          url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
          resolve(url);
        });
      }),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
    stats() {
      const postings: Record<string, number> = {};
      for (const p of ledger) postings[p.operation] = (postings[p.operation] ?? 0) + 1;
      return {
        system: system.name,
        requests,
        outcomes: { ...outcomes },
        postings,
        duplicatePostings: ledger.filter((p) => p.duplicate).length,
        latency: { meanMs: requests === 0 ? 0 : Math.round((totalMs / requests) * 10) / 10, maxMs },
      };
    },
    postings: () => ledger,
    down: () => options.faults.inOutage(now()),
  };
}
