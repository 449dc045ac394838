/**
 * The host's facilities the runtime uses: the clock, timers, the process's environment, its
 * standard error and its id. This is the one module of the runtime that reads the process or the
 * system clock; everything else receives them injected (`RuntimeOptions`), so a test controls all
 * of them and a host can supply its own. test/runtime/host-boundary.test.ts keeps it so.
 */
import { randomUUID } from "node:crypto";

/** Where time comes from: milliseconds since the epoch. */
export interface Clock {
  now(): number;
  /** A monotonic reading in milliseconds, for durations (a delivery's latency); `now()` when absent. */
  monotonic?(): number;
}

/** Cancels a timer armed by `Timers`; cancelling one that fired already does nothing. */
export type Cancel = () => void;

/** The timers the runtime arms: each returns a function that cancels it. */
export interface Timers {
  /**
   * Calls `fn` once, `ms` from now. A `weak` timer does not keep the process alive by itself (a
   * lease renewal that is only due if work is still in hand).
   */
  after(ms: number, fn: () => void, options?: { weak?: boolean }): Cancel;
  /** Calls `fn` every `ms` until cancelled. */
  every(ms: number, fn: () => void): Cancel;
}

/** The system clock. */
export const systemClock: Clock = { now: () => Date.now(), monotonic: () => performance.now() };

/** Node's timers. */
export const systemTimers: Timers = {
  after(ms, fn, options = {}) {
    const timer = setTimeout(fn, ms);
    if (options.weak === true) timer.unref();
    return () => clearTimeout(timer);
  },
  every(ms, fn) {
    const timer = setInterval(fn, ms);
    return () => clearInterval(timer);
  },
};

/** Waits `ms` on the given timers. */
export function sleepOn(timers: Timers): (ms: number) => Promise<void> {
  return (ms) => new Promise<void>((resolve) => void timers.after(ms, resolve));
}

/** The process's environment, where the systems' `{ env }` references are read by default. */
export function processEnv(): Readonly<Record<string, string | undefined>> {
  return process.env;
}

/** Writes to the process's standard error: the default logger's sink. */
export function writeStderr(text: string): void {
  process.stderr.write(text);
}

/** A worker name unique to this process and this runtime: `worker-<pid>-<random>`. */
export function defaultWorkerName(): string {
  return `worker-${process.pid}-${randomUUID().slice(0, 8)}`;
}
