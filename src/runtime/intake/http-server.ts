/**
 * The HTTP front of intake: reads each request body up to the limit (413 beyond it, without
 * reading the rest), hands it to the webhook handler, and serves `/healthz`. A sender that is slow
 * to send its headers or body is cut off after a few seconds (408), and connections beyond a cap
 * are refused, so slow senders cannot hold the server. `/healthz` answers 503 while the store
 * cannot write, and `/readyz` (the worker can do its work) 503 while its store cannot be reached.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { DEFAULT_MAX_BODY_BYTES, type IntakeLogger, type WebhookHandler } from "./webhook.ts";

/** A listening intake server. */
export interface IntakeServer {
  url: string;
  /** Stops accepting connections and waits for requests in flight. */
  close(): Promise<void>;
}

/** What `/readyz` answers: ready or not, with details for the operator. */
export interface Readiness {
  ready: boolean;
  [detail: string]: unknown;
}

/** Options of the intake server. */
export interface IntakeServerOptions {
  port: number;
  host?: string;
  maxBodyBytes?: number;
  /** How long a sender has to send its headers (default 5 s). */
  headersTimeoutMs?: number;
  /** How long a sender has to send its whole request, headers and body (default 10 s). */
  requestTimeoutMs?: number;
  /** Connections held at once; more are closed as they arrive (default 256). */
  maxConnections?: number;
  /** Whether the server can take events: a reason when it cannot (for example the store cannot write). */
  health?: () => Promise<string | undefined>;
  /** Where refusals and failures are logged (default: nowhere). */
  log?: IntakeLogger;
  /** What `/readyz` answers (always ready without it). */
  ready?: () => Readiness;
}

/** The defaults of the slow-sender limits. */
export const INTAKE_LIMITS = { headersTimeoutMs: 5_000, requestTimeoutMs: 10_000, maxConnections: 256 } as const;

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { ...headers, "content-type": "application/json", connection: status === 413 ? "close" : "keep-alive" });
  res.end(JSON.stringify(body));
}

function headersOf(req: IncomingMessage): Record<string, string | undefined> {
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(req.headers)) headers[name] = Array.isArray(value) ? value.join(", ") : value;
  return headers;
}

/** Listens on `host:port` (port 0 picks a free one). */
export async function startIntakeServer(handler: WebhookHandler, options: IntakeServerOptions): Promise<IntakeServer> {
  const limit = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const log = options.log ?? (() => {});
  const requestTimeout = options.requestTimeoutMs ?? INTAKE_LIMITS.requestTimeoutMs;
  const headersTimeout = Math.min(options.headersTimeoutMs ?? INTAKE_LIMITS.headersTimeoutMs, requestTimeout);
  const tooLarge = (req: IncomingMessage, res: ServerResponse, path: string) => {
    log({ level: "warn", msg: "webhook refused", outcome: "too-large", status: 413, path });
    send(res, 413, { error: `the body is larger than ${limit} bytes` });
    req.destroy();
  };
  const server: Server = createServer(
    {
      headersTimeout,
      requestTimeout,
      // Node checks the two timeouts on this interval (30 s by default): a fraction of them keeps the cut near the limit.
      connectionsCheckingInterval: Math.max(100, Math.min(1_000, Math.floor(headersTimeout / 4))),
    },
    (req, res) => {
      const path = (req.url ?? "/").split("?")[0] ?? "/";
      if (path === "/readyz") {
        const readiness = options.ready?.() ?? { ready: true };
        return send(res, readiness.ready ? 200 : 503, readiness);
      }
      if (path === "/healthz") {
        const health = options.health?.() ?? Promise.resolve(undefined);
        health
          .then((problem) => {
            if (problem === undefined) return send(res, 200, { ok: true });
            log({ level: "error", msg: "intake unhealthy", reason: problem });
            send(res, 503, { ok: false, error: problem });
          })
          .catch((error: unknown) => send(res, 503, { ok: false, error: (error as Error).message }));
        return;
      }
      const declared = Number(req.headers["content-length"] ?? "0");
      if (declared > limit) return tooLarge(req, res, path);
      const chunks: Buffer[] = [];
      let size = 0;
      let refused = false;
      req.on("data", (chunk: Buffer) => {
        if (refused) return;
        size += chunk.length;
        if (size > limit) {
          refused = true;
          tooLarge(req, res, path);
          return;
        }
        chunks.push(chunk);
      });
      req.on("end", () => {
        if (refused) return;
        handler({ method: req.method ?? "GET", path, headers: headersOf(req), body: Buffer.concat(chunks) })
          .then((answer) => send(res, answer.status, answer.body, answer.headers))
          .catch((error: unknown) => {
            // The sender learns only that it should try again; the reason is for the operator.
            log({ level: "error", msg: "webhook not stored", outcome: "store-failed", status: 503, path, reason: (error as Error).message });
            send(res, 503, { error: "the event could not be stored; send it again later" }, { "retry-after": "5" });
          });
      });
    },
  );
  server.on("clientError", (error: Error & { code?: string }, socket) => {
    const timedOut = error.code === "ERR_HTTP_REQUEST_TIMEOUT";
    log({ level: "warn", msg: "webhook refused", outcome: timedOut ? "too-slow" : "bad-request", status: timedOut ? 408 : 400, reason: error.message });
    if (socket.writable) socket.end(`HTTP/1.1 ${timedOut ? "408 Request Timeout" : "400 Bad Request"}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    socket.destroy();
  });
  server.maxConnections = options.maxConnections ?? INTAKE_LIMITS.maxConnections;
  server.on("drop", (data?: { remoteAddress?: string }) => {
    log({ level: "warn", msg: "connection refused", outcome: "too-many-connections", remoteAddress: data?.remoteAddress, maxConnections: server.maxConnections });
  });
  await new Promise<void>((resolve) => server.listen(options.port, options.host ?? "127.0.0.1", resolve));
  const address = server.address() as AddressInfo;
  return {
    url: `http://${address.address}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}
