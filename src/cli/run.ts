/**
 * `spec run [paths...] [--config file] [--store url] [--port n]`: hosts the spec set's routes.
 * Webhooks are received on the configured port, polling sources run on their intervals, and the
 * processing and delivery loops run until SIGTERM or SIGINT: then intake stops first, in-flight
 * work finishes, leases are given back, and the process exits 0.
 *
 * `--ingest <file.ndjson> --source <system.event>` loads a file first; `--drain` processes what is
 * ready and exits instead of serving.
 *
 * What runs is the generated modules (the project's `out` folder), the same objects a service
 * imports. When they were not compiled from the specs given (the manifest says which modules
 * differ), nothing starts: the stale modules are named and the exit code is 1. `--compile` compiles
 * the specs in memory instead.
 */
import { resolve } from "node:path";
import { Registry } from "prom-client";
import { loadProgram } from "../compiler/program.ts";
import { startDashboard } from "../dashboard/server.ts";
import { createRuntime, type Runtime } from "../runtime/engine.ts";
import { ConfigurationError, StoreUnavailableError } from "../runtime/errors.ts";
import { loadExpressionCompiler } from "../runtime/expression.ts";
import { type Readiness, startIntakeServer } from "../runtime/intake/http-server.ts";
import { ingestNdjson } from "../runtime/intake/ndjson.ts";
import { createPoller } from "../runtime/intake/polling.ts";
import { storeWriteHealth } from "../runtime/intake/health.ts";
import { createWebhookHandler, type IntakeLogger } from "../runtime/intake/webhook.ts";
import { valueResolver } from "../runtime/delivery/auth.ts";
import { longestDelivery } from "../runtime/delivery/deliver.ts";
import { createRedactor } from "../runtime/redact.ts";
import { loadRunConfig, openStore, type RunConfig } from "../runtime/run-config.ts";
import type { Store } from "../runtime/store/store.ts";
import { registerStoreHealthMetrics, registerWorkMetrics } from "../ops/metrics.ts";
import { liveDefinitions, liveReconciler } from "../ops/reconcile/live-reconciler.ts";
import { type Command, type ParsedCommandArgs, parseCommandArgs } from "./command.ts";
import { configOption, storeOption } from "./shared-options.ts";
import { announceDashboard } from "./dashboard-access.ts";
import { type CliIo, EXIT, UsageError } from "./io.ts";
import { type LoadedSpecSet, loadCompiledSpecSet, stalenessLines } from "./load-compiled.ts";
import { printDiagnostics } from "./print-diagnostics.ts";
import type { PinoLevel, PinoRuntimeLogger } from "../runtime/log/pino-logger.ts";
import { logLevelOf, openMetrics, otlpEndpoint, runLogger, startTracing } from "./run-observability.ts";

/** The kind of store a URL names, for the log: never the URL, which may carry a password. */
const storeKind = (url: string) => (url.startsWith("postgres") ? "postgres" : "sqlite");

/** `/readyz`: ready while the store answers; the store's health goes with it. */
function readiness(store: Store): () => Readiness {
  return () => {
    const health = store.health?.();
    return health === undefined ? { ready: true } : { ready: health.ready, store: health };
  };
}

function waitForSignal(): Promise<string> {
  return new Promise((resolve) => {
    const stop = (signal: string) => {
      process.off("SIGTERM", onTerm);
      process.off("SIGINT", onInt);
      resolve(signal);
    };
    const onTerm = () => stop("SIGTERM");
    const onInt = () => stop("SIGINT");
    process.on("SIGTERM", onTerm);
    process.on("SIGINT", onInt);
  });
}

/** The options `spec run` reads. */
const RUN_OPTIONS = {
  config: { type: "string" },
  store: { type: "string" },
  port: { type: "string" },
  dashboard: { type: "string" },
    "dashboard-host": { type: "string" },
    "dashboard-user": { type: "string" },
  worker: { type: "string" },
  ingest: { type: "string" },
  source: { type: "string" },
  drain: { type: "boolean" },
  compile: { type: "boolean" },
    "log-level": { type: "string" },
  metrics: { type: "string" },
    "metrics-host": { type: "string" },
  otlp: { type: "string" },
} as const;

type RunValues = ParsedCommandArgs<typeof RUN_OPTIONS>["values"];

async function run(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, RUN_OPTIONS);
  const level = logLevelOf(values["log-level"]);
  if (values.metrics !== undefined && !/^[0-9]{1,5}$/.test(values.metrics)) throw new UsageError(`--metrics must be a port number, got '${values.metrics}'`);
  const otlp = otlpEndpoint(values.otlp, io.env);
  if (values.ingest !== undefined && !/^[A-Za-z][\w-]*\.[A-Za-z][\w-]*$/.test(values.source ?? "")) {
    throw new UsageError("--ingest needs --source <system.event>");
  }
  if (values.port !== undefined && !/^[0-9]{1,5}$/.test(values.port)) throw new UsageError(`--port must be a port number, got '${values.port}'`);
  if (values.dashboard !== undefined && !/^[0-9]{1,5}$/.test(values.dashboard)) {
    throw new UsageError(`--dashboard must be a port number, got '${values.dashboard}'`);
  }
  if (values["dashboard-user"] !== undefined && !/^[\w.@-]{1,64}$/.test(values["dashboard-user"])) {
    throw new UsageError(`--dashboard-user must be a name of letters, digits, '.', '@', '_' or '-', got '${values["dashboard-user"]}'`);
  }
  if (values["dashboard-host"] === "") throw new UsageError("--dashboard-host must be a host name or address");
  const config = loadRunConfig(io.cwd, values.config);
  const program = loadProgram({ cwd: io.cwd, paths: positionals });
  if (!program.ok) {
    printDiagnostics(io, program.diagnostics, "stylish");
    io.stderr("spec run: the spec set has errors; nothing was started\n");
    return EXIT.findings;
  }
  await loadExpressionCompiler();
  const loaded = await loadCompiledSpecSet(program, { compile: values.compile === true });
  if (!loaded.ok) {
    io.stderr(
      `spec run: the generated modules were not compiled from these specs; run \`spec compile\` (or \`spec run --compile\` to compile them in memory); nothing was started\n${stalenessLines(io.cwd, loaded.out, loaded.staleness).join("\n")}\n`,
    );
    return EXIT.findings;
  }
  const compiled = loaded.compiled;
  const origin = loaded.from === "generated" ? "generated modules" : "compiled in memory";
  const longest = longestDelivery(compiled);
  if (config.worker.leaseMs <= longest.ms) {
    io.stderr(
      `spec run: warning: worker.leaseMs (${config.worker.leaseMs} ms) is not longer than the longest a delivery may take (${longest.ms} ms, ${longest.where}):` +
        " a call still out when its lease ends may be sent again by another worker (the target's idempotency key keeps it from applying twice)\n",
    );
  }
  const worker = values.worker ?? config.worker.name;
  // One structured log on stderr for the store (connection losses, retries, recoveries) and the
  // runtime (leases, refused settlements, failed calls), scrubbed of every credential the runtime resolves.
  const redactor = createRedactor();
  const { logger: log, flush } = runLogger(io, { level, worker, redact: redactor.text });
  const tracing = await startTracing(otlp);
  const registry = new Registry();
  const store = await openStore(values.store ?? config.store, config.root, { log }).catch((error: unknown) => {
    log.error(`spec run: the store could not be opened: ${(error as Error).message}`, { event: "store.failed" });
    flush();
    throw error;
  });
  const runtime = createRuntime({
    metrics: registry,
    compiled,
    store,
    env: io.env,
    batchSize: config.worker.batchSize,
    leaseMs: config.worker.leaseMs,
    ...(config.worker.intakeWaitMs === undefined ? {} : { intakeWaitMs: config.worker.intakeWaitMs }),
    redactor,
    logger: log,
    ...(worker !== undefined ? { worker } : {}),
  });
  try {
    if (values.ingest !== undefined) {
      const [system, event] = (values.source as string).split(".") as [string, string];
      const loaded = await ingestNdjson(runtime, { system, event }, resolve(io.cwd, values.ingest));
      io.stdout(`ingested ${values.ingest}: ${loaded.accepted} accepted, ${loaded.duplicates} duplicates, ${loaded.conflicts} conflicts\n`);
      for (const e of loaded.errors) io.stderr(`${values.ingest}:${e.line}: ${e.message}\n`);
    }
    if (values.drain === true) {
      await runtime.drain();
      const counts = await store.counts();
      io.stdout(`${JSON.stringify(counts)}\n`);
      return EXIT.ok;
    }
    return await serve({ io, values, config, loaded, runtime, store, log, registry, origin, level, otlp });
  } finally {
    await store.close().catch((error: unknown) => log.error(`spec run: closing the store: ${(error as Error).message}`, { event: "store.failed" }));
    await tracing?.shutdown().catch((error: unknown) => log.warn(`spec run: the last spans were not exported: ${(error as Error).message}`, { event: "tracing.failed" }));
    flush();
  }
}

/** What `serve` runs with: the command's options and the parts `run` opened. */
interface Serving {
  io: CliIo;
  values: RunValues;
  config: RunConfig;
  loaded: Extract<LoadedSpecSet, { ok: true }>;
  runtime: Runtime;
  store: Store;
  log: PinoRuntimeLogger;
  registry: Registry;
  origin: string;
  level: PinoLevel;
  otlp: string | undefined;
}

/**
 * Serves until SIGTERM or SIGINT: webhook intake, polling, the loops, the scheduled live
 * reconciliations, and the dashboard and metrics endpoints when asked for; then stops intake
 * first, lets in-flight work finish and gives the leases back.
 */
async function serve({ io, values, config, loaded, runtime, store, log, registry, origin, level, otlp }: Serving): Promise<number> {
  const compiled = loaded.compiled;
  log.info("spec run: starting", {
    event: "run.start",
    routes: compiled.pipelines.length,
    origin,
    store: storeKind(values.store ?? config.store),
    logLevel: level,
    batchSize: config.worker.batchSize,
    leaseMs: config.worker.leaseMs,
    ...(otlp === undefined ? {} : { otlp }),
  });
  // Listen for the stop signal before announcing anything, so a signal sent the moment the
  // worker says it listens is still a graceful stop.
  const signalled = waitForSignal();
  // Webhook secrets are learnt by the runtime's redactor as they are resolved; the logger scrubs them.
  const intakeLog: IntakeLogger = ({ level, msg, ...fields }) => log[level](msg, { component: "intake", ...fields });
  const handler = createWebhookHandler({ compiled, runtime, resolve: runtime.redactor.resolver(valueResolver(io.env)), now: Date.now, maxBodyBytes: config.listen.maxBodyBytes, log: intakeLog });
  const port = values.port === undefined ? config.listen.port : Number(values.port);
  if (store.health !== undefined) registerStoreHealthMetrics(registry, store.health);
  registerWorkMetrics(registry, runtime.work);
  // The token comes from the environment so operators share one; otherwise a fresh one is made.
  const token = io.env["SYNCSPEC_DASHBOARD_TOKEN"] || undefined;
  // Reconciliations whose sources declare how to read them run on their schedules against the live systems.
  const { live, skipped } = liveDefinitions(loaded.lowered.reconciliations);
  for (const reason of skipped) log.info(`spec run: ${reason}`, { event: "reconciliation.not-scheduled" });
  const reconciler = live.length === 0 ? undefined : liveReconciler({ definitions: live, compiled, runtime, logger: log, registry });
  // The dashboard listens first: an address it cannot have stops the worker before anything runs.
  const dashboard = values.dashboard === undefined ? undefined : await openDashboard(Number(values.dashboard), values["dashboard-host"] ?? config.dashboard.host);
  async function openDashboard(dashboardPort: number, host: string) {
    try {
      return await startDashboard({
        store,
        compiled,
        runtime,
        port: dashboardPort,
        host,
        user: values["dashboard-user"] ?? config.dashboard.user,
        origins: config.dashboard.origins,
        // Sign-ins, refusals and the exceptions people resolve go to the same structured log.
        log: ({ level, msg, ...fields }) => log[level](msg, { component: "dashboard", ...fields }),
        redact: runtime.redactor.text,
        registry,
        ...(reconciler === undefined ? {} : { reconciler }),
        ...(token ? { token } : {}),
      });
    } catch (error) {
      const code = (error as { code?: string }).code;
      throw new ConfigurationError(`the dashboard cannot listen on ${host}:${dashboardPort}: ${code === "EADDRINUSE" ? "the port is in use" : (error as Error).message}`);
    }
  }
  let server: Awaited<ReturnType<typeof startIntakeServer>> | undefined;
  let metrics: Awaited<ReturnType<typeof openMetrics>>;
  try {
    const health = storeWriteHealth(store, Date.now);
    const { host, maxBodyBytes, headersTimeoutMs, requestTimeoutMs, maxConnections } = config.listen;
    server = await startIntakeServer(handler, { port, host, maxBodyBytes, headersTimeoutMs, requestTimeoutMs, maxConnections, health, log: intakeLog, ready: readiness(store) });
    metrics = await openMetrics(registry, values.metrics === undefined ? undefined : Number(values.metrics), values["metrics-host"] ?? config.dashboard.host, io.env["SYNCSPEC_METRICS_TOKEN"] || undefined);
  } catch (error) {
    await dashboard?.close();
    await server?.close();
    throw error;
  }
  const poller = createPoller(compiled, runtime);
  runtime.start();
  poller.start();
  const stopReconciling = reconciler?.schedule();
  io.stdout(`spec run: ${runtime.worker} listening on ${server.url} (${compiled.pipelines.length} routes from ${origin}, ${store.engine} store)\n`);
  log.info(`spec run: ${runtime.worker} listening on ${server.url}`, {
    event: "run.listening",
    url: server.url,
    store: store.engine,
    ...(metrics === undefined ? {} : { metrics: metrics.url }),
    ...(dashboard === undefined ? {} : { dashboard: dashboard.url }),
  });
  if (metrics !== undefined) io.stdout(`spec run: metrics at ${metrics.url}\n`);
  if (dashboard !== undefined) {
    io.stdout(announceDashboard(io, { prefix: "spec run: ", url: dashboard.url, token: dashboard.token, given: token === undefined ? undefined : "SYNCSPEC_DASHBOARD_TOKEN" }));
  }
  const signal = await signalled;
  io.stdout(`spec run: ${signal}: stopping intake\n`);
  log.info(`spec run: ${signal}: stopping`, { event: "run.stopping", signal });
  await dashboard?.close();
  await server.close();
  poller.stop();
  stopReconciling?.();
  await runtime.stop();
  await metrics?.close();
  io.stdout("spec run: stopped\n");
  log.info("spec run: stopped", { event: "run.stop" });
  return EXIT.ok;
}

export const runCommand: Command = {
  name: "run",
  summary: "Run the spec set's routes: webhook intake, polling, processing and deliveries",
  usage:
    "spec run [paths...] [--config syncspec.run.yaml] [--store sqlite:<file>|postgres://...] [--port n] [--dashboard port [--dashboard-host h] [--dashboard-user name]] [--worker name] [--ingest file.ndjson --source system.event] [--drain] [--compile] [--log-level debug|info|warn|error] [--metrics port [--metrics-host h]] [--otlp url]",
  options: [
    configOption("spec run"),
    { ...storeOption("spec run"), description: "The store to use: sqlite:<file> (created if missing) or postgres://..." },
    {
      name: "port",
      value: "n",
      description: "The port webhook intake listens on",
      default: "listen.port of the run configuration",
      examples: ["spec run --port 8080", "spec run --port 0 --store sqlite:/tmp/try.db"],
    },
    {
      name: "dashboard",
      value: "port",
      description: "Also serve the operations dashboard on this port (token from SYNCSPEC_DASHBOARD_TOKEN, else printed)",
      examples: ["spec run --dashboard 8081", "spec run --dashboard 8081 --dashboard-host 0.0.0.0"],
    },
    {
      name: "dashboard-host",
      value: "host",
      description: "The address the dashboard listens on",
      default: "dashboard.host of the run configuration (127.0.0.1)",
      examples: ["spec run --dashboard 8081 --dashboard-host 0.0.0.0", "spec run --dashboard 8081 --dashboard-host ops.internal"],
    },
    {
      name: "dashboard-user",
      value: "name",
      description: "The name the dashboard records in the audit log for actions taken there",
      default: "dashboard.user of the run configuration (dashboard)",
      examples: ["spec run --dashboard 8081 --dashboard-user ana", "spec run --dashboard 8081 --dashboard-user finance-ops"],
    },
    {
      name: "worker",
      value: "name",
      description: "This worker's name in logs, leases and metrics",
      default: "worker.name of the run configuration, else worker-<process id>-<random>",
      examples: ["spec run --worker worker-a", "spec run --worker $(hostname) --store postgres://sync@db.internal/sync"],
    },
    {
      name: "ingest",
      value: "file.ndjson",
      description: "Take events from a file of one JSON payload per line, as if they arrived as webhooks (needs --source)",
      examples: ["spec run --ingest time.ndjson --source psa.timeEntryApproved --drain", "spec run --ingest backfill/march.ndjson --source psa.timeEntryApproved"],
    },
    {
      name: "source",
      value: "system.event",
      description: "With --ingest: the system event the file's payloads are",
      examples: ["spec run --ingest time.ndjson --source psa.timeEntryApproved", "spec run --ingest contacts.ndjson --source erp.contactChanged --drain"],
    },
    {
      name: "drain",
      description: "Process until nothing is left to do, print the store's counts as JSON and exit instead of listening",
      examples: ["spec run --ingest time.ndjson --source psa.timeEntryApproved --drain", "spec run --drain --store sqlite:syncspec.db"],
    },
    {
      name: "compile",
      description: "Compile the specs in memory when the generated modules are stale, instead of refusing to start",
      examples: ["spec run --compile", "spec run specs --compile --port 8080"],
    },
    {
      name: "log-level",
      value: "level",
      description: "The least serious log entries written: debug, info, warn or error (JSON on stderr; printed for people on a terminal)",
      default: "info",
      examples: ["spec run --log-level warn", "spec run --log-level debug 2> run.log"],
    },
    {
      name: "metrics",
      value: "port",
      description: "Serve Prometheus metrics at /metrics on this port, apart from the dashboard (bearer token from SYNCSPEC_METRICS_TOKEN when set)",
      examples: ["spec run --metrics 9464", "SYNCSPEC_METRICS_TOKEN=$(cat scrape-token) spec run --metrics 9464 --metrics-host 0.0.0.0"],
    },
    {
      name: "metrics-host",
      value: "host",
      description: "The address the metrics endpoint listens on",
      default: "dashboard.host of the run configuration (127.0.0.1)",
      examples: ["spec run --metrics 9464 --metrics-host 0.0.0.0", "spec run --metrics 9464 --metrics-host 10.0.0.5"],
    },
    {
      name: "otlp",
      value: "url",
      description: "Export OpenTelemetry spans over OTLP/HTTP to this collector URL",
      default: "$OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, else $OTEL_EXPORTER_OTLP_ENDPOINT/v1/traces, else none",
      examples: ["spec run --otlp http://collector:4318/v1/traces", "spec run --otlp https://otel.example.com/v1/traces --log-level warn"],
    },
  ],
  async run(args, io) {
    try {
      return await run(args, io);
    } catch (error) {
      if (error instanceof ConfigurationError) {
        io.stderr(`spec run: ${error.message}\n`);
        return EXIT.usage;
      }
      if (error instanceof StoreUnavailableError) {
        io.stderr(`spec run: the store is unavailable: ${error.message}\n`);
        return EXIT.findings;
      }
      throw error;
    }
  },
};
