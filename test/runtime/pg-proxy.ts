/**
 * A TCP proxy in front of the test PostgreSQL server that a test can cut, to play a database
 * restart without stopping the shared server: every connection through it is dropped, and new ones
 * are dropped as they arrive until it is restored. Also terminates a client's server sessions by
 * application name, as an operator's `pg_terminate_backend` would.
 */
import { createServer, type Server, Socket } from "node:net";
import pg from "pg";
import { PG_URL } from "./postgres-env.ts";

/** A cuttable proxy to PostgreSQL. */
export interface PgProxy {
  /** PG_URL through the proxy, with an application name to find its sessions by. */
  connectionString(applicationName: string): string;
  /** The same with the store's schema, as `spec run`'s `store` setting takes it. */
  url(schema: string, applicationName: string): string;
  /** Drops every connection and refuses new ones until `restore`. */
  cut(): void;
  restore(): void;
  /** Connections dropped by cuts, open ones and refused ones. */
  readonly dropped: number;
  close(): Promise<void>;
}

/** Starts a proxy to the server PG_URL names. */
export async function startPgProxy(): Promise<PgProxy> {
  const target = new URL(PG_URL);
  /** Each open connection's two ends, by the client's end. */
  const connections = new Map<Socket, Socket>();
  let open = true;
  let dropped = 0;
  const server: Server = createServer((client) => {
    if (!open) {
      dropped += 1;
      client.destroy();
      return;
    }
    const upstream = new Socket();
    connections.set(client, upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      connections.delete(client);
    };
    client.on("error", drop).on("close", drop);
    upstream.on("error", drop).on("close", drop);
    upstream.connect(Number(target.port || 5432), target.hostname, () => {
      client.pipe(upstream);
      upstream.pipe(client);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  const through = (params: Record<string, string>) => {
    const url = new URL(PG_URL);
    url.hostname = "127.0.0.1";
    url.port = String(port);
    for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
    return url.toString();
  };
  return {
    connectionString: (applicationName) => through({ application_name: applicationName }),
    url: (schema, applicationName) => through({ schema, application_name: applicationName }),
    cut() {
      open = false;
      for (const [client, upstream] of connections) {
        dropped += 1;
        client.destroy();
        upstream.destroy();
      }
      connections.clear();
    },
    restore() {
      open = true;
    },
    get dropped() {
      return dropped;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const [client, upstream] of connections) {
          client.destroy();
          upstream.destroy();
        }
        server.close(() => resolve());
      }),
  };
}

/** Terminates every server session of `applicationName`, as `pg_terminate_backend` does; returns how many. */
export async function terminateSessions(applicationName: string): Promise<number> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    const result = await client.query<{ ok: boolean }>(
      "SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE application_name = $1 AND pid <> pg_backend_pid()",
      [applicationName],
    );
    return result.rows.filter((r) => r.ok).length;
  } finally {
    await client.end();
  }
}
