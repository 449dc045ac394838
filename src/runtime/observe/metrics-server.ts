/**
 * The Prometheus endpoint: `GET /metrics` on its own port, apart from the dashboard, so a scraper
 * reaches it without the dashboard's session. With a token, a scrape must send it as
 * `Authorization: Bearer <token>` (Prometheus `authorization` / `bearer_token_file`).
 */
import { timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Registry } from "prom-client";

/** Options of `startMetricsServer`. */
export interface MetricsServerOptions {
  registry: Registry;
  port: number;
  host?: string;
  /** When set, every scrape must carry it as a bearer token. */
  token?: string;
}

/** A listening metrics endpoint. */
export interface MetricsServer {
  /** The endpoint's URL, `/metrics` included. */
  readonly url: string;
  close(): Promise<void>;
}

function authorised(request: IncomingMessage, token: string | undefined): boolean {
  if (token === undefined) return true;
  const given = Buffer.from(/^Bearer (.+)$/.exec(request.headers.authorization ?? "")?.[1] ?? "");
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

async function answer(request: IncomingMessage, response: ServerResponse, options: MetricsServerOptions): Promise<void> {
  const path = (request.url ?? "/").split("?")[0];
  if (path !== "/metrics") return void response.writeHead(404, { "content-type": "text/plain" }).end("not found: the metrics are at /metrics\n");
  if (request.method !== "GET" && request.method !== "HEAD") return void response.writeHead(405, { allow: "GET, HEAD" }).end();
  if (!authorised(request, options.token)) {
    return void response.writeHead(401, { "www-authenticate": 'Bearer realm="metrics"', "content-type": "text/plain" }).end("a bearer token is required\n");
  }
  try {
    const text = await options.registry.metrics();
    response.writeHead(200, { "content-type": options.registry.contentType, "cache-control": "no-store" }).end(request.method === "HEAD" ? undefined : text);
  } catch (error) {
    response.writeHead(500, { "content-type": "text/plain" }).end(`the metrics could not be collected: ${(error as Error).message}\n`);
  }
}

/** Starts the endpoint; rejects when the address cannot be had. */
export async function startMetricsServer(options: MetricsServerOptions): Promise<MetricsServer> {
  const server = createServer((request, response) => void answer(request, response, options));
  server.requestTimeout = 10_000;
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const shown = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return {
    url: `http://${shown}:${address.port}/metrics`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
