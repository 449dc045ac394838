/**
 * The runtime's logger on pino: one JSON object per line (`level`, `time`, `msg`, then the
 * entry's fields), at a chosen level, with credential headers and secret-named fields censored by
 * path and every credential the runtime resolved scrubbed from the line, written to a sink that
 * never blocks (log-sink.ts). On a terminal the same entries can be printed by pino-pretty.
 */
import { pino } from "pino";
import { prettyFactory } from "pino-pretty";
import type { LogFields, Logger } from "../logger.ts";
import type { LogSink } from "./log-sink.ts";

/** The levels an operator chooses from, least to most serious. */
export const LOG_LEVELS = ["debug", "info", "warn", "error"] as const;
export type PinoLevel = (typeof LOG_LEVELS)[number];

/** Field paths whose values are always censored: credential headers and secret-named fields. */
export const REDACTED_PATHS = [
  "authorization",
  "password",
  "secret",
  "token",
  "apiKey",
  "*.authorization",
  "*.password",
  "*.secret",
  "*.token",
  "*.apiKey",
  "headers.authorization",
  "headers.cookie",
  'headers["set-cookie"]',
  'headers["x-api-key"]',
  'headers["proxy-authorization"]',
];

/** Options of `pinoLogger`. */
export interface PinoLoggerOptions {
  sink: LogSink;
  level?: PinoLevel;
  /** Fields on every entry, for example the worker's name. */
  base?: LogFields;
  /** Scrubs known credential values from each line (see `createRedactor`). */
  redact?: (text: string) => string;
  /** Print each entry for people (pino-pretty, coloured when `colour`) instead of JSON. */
  pretty?: { colour: boolean };
  /** Milliseconds since the epoch for `time` (default the system clock). */
  now?: () => number;
}

/** A runtime Logger writing through pino; `debug` entries show only at that level. */
export interface PinoRuntimeLogger extends Logger {
  debug(msg: string, fields?: LogFields): void;
  readonly level: PinoLevel;
}

/** Creates the logger. */
export function pinoLogger(options: PinoLoggerOptions): PinoRuntimeLogger {
  const scrub = options.redact ?? ((text: string) => text);
  const pretty = options.pretty === undefined ? undefined : prettyFactory({ colorize: options.pretty.colour, translateTime: "SYS:HH:MM:ss.l", ignore: "pid,hostname" });
  const destination = {
    write(line: string) {
      const clean = scrub(line);
      options.sink.write(pretty === undefined ? clean : pretty(clean));
    },
  };
  const now = options.now;
  const level = options.level ?? "info";
  const log = pino(
    {
      level,
      base: options.base === undefined ? null : { ...options.base },
      redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
      formatters: { level: (label) => ({ level: label }) },
      timestamp: now === undefined ? pino.stdTimeFunctions.isoTime : () => `,"time":"${new Date(now()).toISOString()}"`,
    },
    destination,
  );
  const entry = (method: "debug" | "info" | "warn" | "error") => (msg: string, fields: LogFields = {}) => {
    const plain: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(fields)) plain[name] = value instanceof Error ? value.message : value;
    log[method](plain, msg);
  };
  return { debug: entry("debug"), info: entry("info"), warn: entry("warn"), error: entry("error"), level };
}
