/**
 * The runtime's structured log: what a running service does that its operator should know of
 * (a lease renewed or lost, work taken over from another worker), one entry per happening, each a
 * message for people and fields for machines.
 */

/** Fields of a log entry: values a JSON log line can hold. */
export type LogFields = Readonly<Record<string, string | number | boolean | null | undefined>>;

/** Where the runtime's log entries go. The host injects its own (pino, winston...) or takes JSON lines. */
export interface RuntimeLogger {
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
}

/** A logger writing one JSON object per line: `{"level":"warn","time":...,"msg":...,...fields}`. */
export function jsonLineLogger(write: (line: string) => void, now: () => number = Date.now): RuntimeLogger {
  const entry = (level: "info" | "warn") => (message: string, fields: LogFields = {}) => {
    write(`${JSON.stringify({ level, time: new Date(now()).toISOString(), msg: message, ...fields })}\n`);
  };
  return { info: entry("info"), warn: entry("warn") };
}
