/**
 * The runtime's structured logger, the one every part of it writes to: what a running service does
 * that its operator should know of (a store call retried, a connection restored, a lease renewed or
 * lost, work taken over, a settlement refused, a loop's call that failed), one entry per happening,
 * each a message for people and fields for machines. The default writes one JSON object per line
 * (`time`, `level`, `msg`, then the entry's fields), so an operator's log pipeline reads them as
 * data; a host injects its own (pino, winston...) through the same interface, and tests pass one
 * that records.
 */

import { systemClock, writeStderr } from "./host.ts";

/** How serious an entry is. */
export type LogLevel = "info" | "warn" | "error";

/** Fields of a log entry: plain values; an Error is written as its message. */
export type LogFields = Readonly<Record<string, unknown>>;

/** Writes structured log entries. */
export interface Logger {
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
}

/** Options of `jsonLogger`. */
export interface JsonLoggerOptions {
  /** Receives each line, newline included. */
  write: (line: string) => void;
  /** Milliseconds since the epoch, for the `time` field (default: the system clock). */
  now?: () => number;
  /** Fields written on every entry, for example the worker's name. */
  base?: LogFields;
}

/** A logger writing one JSON object per line. */
export function jsonLogger(options: JsonLoggerOptions): Logger {
  const now = options.now ?? systemClock.now;
  const entry = (level: LogLevel) => (msg: string, fields: LogFields = {}) => {
    const record: Record<string, unknown> = { time: new Date(now()).toISOString(), level, msg, ...options.base };
    for (const [name, value] of Object.entries(fields)) record[name] = value instanceof Error ? value.message : value;
    options.write(`${JSON.stringify(record)}\n`);
  };
  return { info: entry("info"), warn: entry("warn"), error: entry("error") };
}

/** The default logger: JSON lines on the process's standard error. */
export function stderrLogger(base?: LogFields): Logger {
  return jsonLogger({ write: writeStderr, ...(base === undefined ? {} : { base }) });
}
