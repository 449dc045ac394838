/**
 * What `spec run` sets up for its operator besides the runtime: the structured log (pino JSON on
 * stderr, printed for people on a terminal), the OpenTelemetry exporter (`--otlp <url>` or the
 * standard OTEL_EXPORTER_OTLP_TRACES_ENDPOINT / OTEL_EXPORTER_OTLP_ENDPOINT variables), and the
 * Prometheus endpoint on a port of its own (`--metrics <port>`, token from SYNCSPEC_METRICS_TOKEN).
 */
import type { Registry } from "prom-client";
import { type MetricsServer, startMetricsServer } from "../runtime/observe/metrics-server.ts";
import { ConfigurationError } from "../runtime/errors.ts";
import { createLogSink, type LogDestination } from "../runtime/log/log-sink.ts";
import { LOG_LEVELS, type PinoLevel, type PinoRuntimeLogger, pinoLogger } from "../runtime/log/pino-logger.ts";
import { type RegisteredTracing, registerTracing } from "../runtime/observe/register-tracing.ts";
import { type CliIo, UsageError } from "./io.ts";

/** Reads `--log-level`. */
export function logLevelOf(value: string | undefined): PinoLevel {
  if (value === undefined) return "info";
  if (!(LOG_LEVELS as readonly string[]).includes(value)) throw new UsageError(`--log-level must be one of ${LOG_LEVELS.join(", ")}, got '${value}'`);
  return value as PinoLevel;
}

/** The command's logger and how to flush it before exiting. */
export function runLogger(io: CliIo, options: { level: PinoLevel; worker: string | undefined; redact: (text: string) => string }): { logger: PinoRuntimeLogger; flush(): void } {
  const stream = io.logDestination?.();
  const destination: LogDestination = stream ?? {
    write: (text) => {
      io.stderr(text);
      return true;
    },
    once: () => undefined,
  };
  const noColour = (io.env["NO_COLOR"] ?? "") !== "" || io.env["TERM"] === "dumb";
  const logger = pinoLogger({
    sink: createLogSink(destination),
    level: options.level,
    redact: options.redact,
    ...(options.worker === undefined ? {} : { base: { worker: options.worker } }),
    ...(io.stderrIsTTY === true ? { pretty: { colour: !noColour } } : {}),
  });
  return {
    logger,
    flush() {
      try {
        stream?.flushSync();
      } catch {
        // A destination that still does not take the lines: they are lost with the process, not waited for.
      }
    },
  };
}

/** The OTLP endpoint spans are exported to: `--otlp`, else the standard OpenTelemetry variables. */
export function otlpEndpoint(flag: string | undefined, env: CliIo["env"]): string | undefined {
  const traces = env["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"];
  const base = env["OTEL_EXPORTER_OTLP_ENDPOINT"];
  const url = flag ?? (traces || undefined) ?? (base ? `${base.replace(/\/+$/, "")}/v1/traces` : undefined);
  if (url !== undefined && !/^https?:\/\/[^\s]+$/.test(url)) throw new UsageError(`--otlp must be an http(s) URL, got '${url}'`);
  return url;
}

/** Registers the exporter when one is asked for. */
export async function startTracing(url: string | undefined): Promise<RegisteredTracing | undefined> {
  return url === undefined ? undefined : registerTracing({ otlpUrl: url });
}

/** Opens the metrics endpoint when a port is given. */
export async function openMetrics(registry: Registry, port: number | undefined, host: string, token: string | undefined): Promise<MetricsServer | undefined> {
  if (port === undefined) return undefined;
  try {
    return await startMetricsServer({ registry, port, host, ...(token === undefined ? {} : { token }) });
  } catch (error) {
    const code = (error as { code?: string }).code;
    throw new ConfigurationError(`the metrics endpoint cannot listen on ${host}:${port}: ${code === "EADDRINUSE" ? "the port is in use" : (error as Error).message}`);
  }
}
