/**
 * The run configuration of `spec run` and of the operator commands (`spec dlq`, `spec exceptions`,
 * `spec replay`, `spec audit`): which store, where intake listens, and the worker's settings. It is
 * a small YAML (or JSON) file, `syncspec.run.yaml` by default:
 *
 * ```yaml
 * store: sqlite:./syncspec.db          # or postgres://user@host/db?schema=syncspec
 * listen: { host: 127.0.0.1, port: 8080, maxBodyBytes: 1048576, headersTimeoutMs: 5000, requestTimeoutMs: 10000, maxConnections: 256 }
 * worker: { name: worker-1, batchSize: 256, leaseMs: 60000, intakeWaitMs: 1000 }
 * dashboard: { host: 127.0.0.1, user: ana, origins: [https://ops.example.com] }  # with `spec run --dashboard <port>`
 * ```
 * Problems are reported as sentences naming the field (`listen.port must be an integer from 0 to 65535`).
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, isAbsolute, resolve } from "node:path";
import { parse as parseYaml } from "yaml";
import { ConfigurationError } from "./errors.ts";
import { INTAKE_LIMITS } from "./intake/http-server.ts";
import type { Logger } from "./logger.ts";
import { createPostgresStore } from "./store/postgres.ts";
import { createSqliteStore } from "./store/sqlite.ts";
import { postgresStorePresence, sqliteStorePresence } from "./store/store-presence.ts";
import type { Store } from "./store/store.ts";

/** The default run configuration file name. */
export const RUN_CONFIG_FILE = "syncspec.run.yaml";

/** A checked run configuration. */
export interface RunConfig {
  /** `sqlite:<path>` or a `postgres://` URL (optionally `?schema=<name>`). */
  store: string;
  /** The timeouts cut off slow senders (408); `maxConnections` caps the connections held at once. */
  listen: { host: string; port: number; maxBodyBytes: number; headersTimeoutMs: number; requestTimeoutMs: number; maxConnections: number };
  /**
   * `intakeWaitMs`: how long a webhook may wait for room before its events are stored to wait (see
   * `RuntimeOptions`); absent, the runtime's default for the store (none when workers share work).
   */
  worker: { name?: string; batchSize: number; leaseMs: number; intakeWaitMs?: number };
  /**
   * The dashboard's own bind address (not intake's: webhooks may face the internet, the dashboard
   * should not), the operator its token stands for (the audit actor of its actions), and further
   * origins its page is served from (behind a proxy).
   */
  dashboard: { host: string; user: string; origins: string[] };
  /** The folder relative paths are resolved against. */
  root: string;
}

const isInteger = (value: unknown, min: number, max: number): value is number =>
  typeof value === "number" && Number.isInteger(value) && value >= min && value <= max;

/** Checks a parsed configuration object; every problem names its field. */
export function checkRunConfig(value: unknown, root: string): RunConfig {
  const problems: string[] = [];
  const object = (v: unknown): Record<string, unknown> => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
  const top = object(value);
  if (value !== undefined && value !== null && (typeof value !== "object" || Array.isArray(value))) problems.push("the run configuration must be a mapping");
  for (const key of Object.keys(top)) if (!["store", "listen", "worker", "dashboard"].includes(key)) problems.push(`${key} is not a run configuration field (store, listen, worker, dashboard)`);
  const store = top["store"] ?? "sqlite:syncspec.db";
  if (typeof store !== "string" || !/^(sqlite:|postgres(ql)?:\/\/)/.test(store)) problems.push("store must be 'sqlite:<path>' or a postgres:// URL");
  const listen = object(top["listen"]);
  const host = listen["host"] ?? "127.0.0.1";
  const port = listen["port"] ?? 8080;
  const maxBodyBytes = listen["maxBodyBytes"] ?? 1024 * 1024;
  if (typeof host !== "string") problems.push("listen.host must be a string");
  if (!isInteger(port, 0, 65535)) problems.push("listen.port must be an integer from 0 to 65535");
  if (!isInteger(maxBodyBytes, 1, 1024 * 1024 * 1024)) problems.push("listen.maxBodyBytes must be a positive integer");
  const headersTimeoutMs = listen["headersTimeoutMs"] ?? INTAKE_LIMITS.headersTimeoutMs;
  const requestTimeoutMs = listen["requestTimeoutMs"] ?? INTAKE_LIMITS.requestTimeoutMs;
  const maxConnections = listen["maxConnections"] ?? INTAKE_LIMITS.maxConnections;
  if (!isInteger(headersTimeoutMs, 100, 600_000)) problems.push("listen.headersTimeoutMs must be an integer from 100 to 600000");
  if (!isInteger(requestTimeoutMs, 100, 600_000)) problems.push("listen.requestTimeoutMs must be an integer from 100 to 600000");
  if (!isInteger(maxConnections, 1, 1_000_000)) problems.push("listen.maxConnections must be a positive integer");
  const worker = object(top["worker"]);
  const batchSize = worker["batchSize"] ?? 256;
  // Longer than the default delivery timeout (30 s) and the wait for a quota token.
  const leaseMs = worker["leaseMs"] ?? 60_000;
  if (worker["name"] !== undefined && typeof worker["name"] !== "string") problems.push("worker.name must be a string");
  if (!isInteger(batchSize, 1, 100_000)) problems.push("worker.batchSize must be a positive integer");
  if (!isInteger(leaseMs, 100, 86_400_000)) problems.push("worker.leaseMs must be an integer from 100 to 86400000");
  const intakeWaitMs = worker["intakeWaitMs"];
  if (intakeWaitMs !== undefined && !isInteger(intakeWaitMs, 0, 60_000)) problems.push("worker.intakeWaitMs must be an integer from 0 to 60000");
  const dashboard = object(top["dashboard"]);
  for (const key of Object.keys(dashboard)) if (!["host", "user", "origins"].includes(key)) problems.push(`dashboard.${key} is not a dashboard field (host, user, origins)`);
  const dashboardHost = dashboard["host"] ?? "127.0.0.1";
  const user = dashboard["user"] ?? "dashboard";
  const origins = dashboard["origins"] ?? [];
  if (typeof dashboardHost !== "string" || dashboardHost === "") problems.push("dashboard.host must be a host name or address");
  if (typeof user !== "string" || !/^[\w.@-]{1,64}$/.test(user)) problems.push("dashboard.user must be a name of letters, digits, '.', '@', '_' or '-'");
  if (!Array.isArray(origins) || !origins.every((o) => typeof o === "string" && /^https?:\/\/[^/\s]+$/.test(o))) problems.push("dashboard.origins must be a list of origins such as https://ops.example.com");
  if (problems.length > 0) throw new ConfigurationError(problems.join("; "));
  return {
    store: store as string,
    listen: {
      host: host as string,
      port: port as number,
      maxBodyBytes: maxBodyBytes as number,
      headersTimeoutMs: headersTimeoutMs as number,
      requestTimeoutMs: requestTimeoutMs as number,
      maxConnections: maxConnections as number,
    },
    worker: { ...(typeof worker["name"] === "string" ? { name: worker["name"] } : {}), batchSize: batchSize as number, leaseMs: leaseMs as number, ...(intakeWaitMs === undefined ? {} : { intakeWaitMs: intakeWaitMs as number }) },
    dashboard: { host: dashboardHost as string, user: user as string, origins: origins as string[] },
    root,
  };
}

/** Reads a run configuration file; without `path`, `syncspec.run.yaml` in `cwd` when it exists, else the defaults. */
export function loadRunConfig(cwd: string, path?: string): RunConfig {
  const file = path === undefined ? resolve(cwd, RUN_CONFIG_FILE) : isAbsolute(path) ? path : resolve(cwd, path);
  if (!existsSync(file)) {
    if (path !== undefined) throw new ConfigurationError(`the run configuration ${path} does not exist`);
    return checkRunConfig({}, cwd);
  }
  let parsed: unknown;
  try {
    parsed = parseYaml(readFileSync(file, "utf8"));
  } catch (error) {
    throw new ConfigurationError(`${file}: ${(error as Error).message.split("\n")[0]}`);
  }
  return checkRunConfig(parsed ?? {}, dirname(file));
}

/** How `openStore` opens a store. */
export interface OpenStoreOptions {
  /**
   * A command that only looks or acts once (`spec status`, `spec exceptions …`): an SQLite store
   * then stays on the caller's thread, which starts faster than a store thread that would only
   * serve a few calls.
   */
  oneShot?: boolean;
  /**
   * Open a store that exists, never create one (every operator command but `spec run`): a missing
   * SQLite file, or a PostgreSQL schema without the store's tables, is a `ConfigurationError`
   * naming where it looked, and nothing is created.
   */
  existing?: boolean;
  /** Receives a PostgreSQL store's connection losses, retries and recoveries (default: JSON lines on stderr). */
  log?: Logger;
}

/** Opens the store a `store` setting names, creating it when missing unless `existing` is set. */
export async function openStore(store: string, root: string, options: OpenStoreOptions = {}): Promise<Store> {
  if (store.startsWith("sqlite:")) {
    const given = store.slice("sqlite:".length);
    const path = given === ":memory:" || isAbsolute(given) ? given : resolve(root, given);
    if (options.existing === true) {
      const presence = sqliteStorePresence(path);
      if (!presence.present) throw new ConfigurationError(presence.why);
    }
    return createSqliteStore({ path, thread: options.oneShot !== true });
  }
  const url = new URL(store);
  const schema = url.searchParams.get("schema") ?? "syncspec";
  url.searchParams.delete("schema");
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new ConfigurationError(`the store's schema must be a lower-case identifier, got '${schema}'`);
  if (options.existing === true) {
    const presence = await postgresStorePresence(url.toString(), schema);
    if (!presence.present) throw new ConfigurationError(presence.why);
  }
  return createPostgresStore({ connectionString: url.toString(), schema, ...(options.log === undefined ? {} : { log: options.log }) });
}
