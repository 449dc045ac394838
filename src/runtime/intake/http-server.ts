/**
 * The HTTP front of intake: reads each request body up to the limit (413 beyond it, without
 * reading the rest), hands it to the webhook handler, and serves `/healthz` (the process is up)
 * and `/readyz` (it can do its work: 503 while its store cannot be reached).
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { DEFAULT_MAX_BODY_BYTES, type WebhookHandler } from "./webhook.ts";

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

/** Listens on `host:port` (port 0 picks a free one); `ready` answers `/readyz` (always ready without it). */
export async function startIntakeServer(
  handler: WebhookHandler,
  options: { port: number; host?: string; maxBodyBytes?: number; ready?: () => Readiness },
): Promise<IntakeServer> {
  const limit = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const send = (res: import("node:http").ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { "content-type": "application/json", connection: status === 413 ? "close" : "keep-alive" });
    res.end(JSON.stringify(body));
  };
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    if (path === "/healthz") return send(res, 200, { ok: true });
    if (path === "/readyz") {
      const readiness = options.ready?.() ?? { ready: true };
      return send(res, readiness.ready ? 200 : 503, readiness);
    }
    const declared = Number(req.headers["content-length"] ?? "0");
    if (declared > limit) {
      send(res, 413, { error: `the body is larger than ${limit} bytes` });
      req.destroy();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit && !refused) {
        refused = true;
        send(res, 413, { error: `the body is larger than ${limit} bytes` });
        req.destroy();
        return;
      }
      if (!refused) chunks.push(chunk);
    });
    req.on("end", () => {
      if (refused) return;
      const headers: Record<string, string | undefined> = {};
      for (const [name, value] of Object.entries(req.headers)) headers[name] = Array.isArray(value) ? value.join(", ") : value;
      handler({ method: req.method ?? "GET", path, headers, body: Buffer.concat(chunks) })
        .then((answer) => send(res, answer.status, answer.body))
        .catch((error: unknown) => send(res, 503, { error: `the event could not be stored: ${(error as Error).message}` }));
    });
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
