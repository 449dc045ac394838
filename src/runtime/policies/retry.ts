/**
 * RetryPolicy: how many attempts a delivery gets and how long to wait between them.
 *
 * - `maxAttempts`: attempts in all, the first included (a positive integer).
 * - `backoff`: `exponential` doubles the delay after each failure from `initialDelayMs`; `fixed`
 *   waits `initialDelayMs` every time. The delay never exceeds `maxDelayMs`.
 * - `jitter`: `full` (default) waits a uniformly random time between 0 and the computed delay,
 *   drawn from the injected random source, so that many clients retrying at once spread out.
 * A target's `Retry-After` wins over the computed delay when it asks for longer.
 */
import { ConfigurationError } from "../errors.ts";
import type { RetrySettings } from "../pipeline.ts";

/** A validated retry policy. */
export type RetryPolicy = Readonly<RetrySettings>;

/** What the runtime uses when a route declares no retry policy. */
export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 5, backoff: "exponential", initialDelayMs: 1000, maxDelayMs: 60_000, jitter: "full" };

const positiveInteger = (value: unknown): value is number => typeof value === "number" && Number.isInteger(value) && value > 0;
const nonNegative = (value: unknown): value is number => typeof value === "number" && Number.isFinite(value) && value >= 0;

/** Checks retry settings; each problem names its field (`retry.maxAttempts must be a positive integer`). */
export function retryPolicy(settings: Partial<RetrySettings> = {}): RetryPolicy {
  const policy = { ...DEFAULT_RETRY, ...settings };
  const problems: string[] = [];
  if (!positiveInteger(policy.maxAttempts)) problems.push("retry.maxAttempts must be a positive integer");
  if (policy.backoff !== "exponential" && policy.backoff !== "fixed") problems.push("retry.backoff must be 'exponential' or 'fixed'");
  if (!nonNegative(policy.initialDelayMs)) problems.push("retry.initialDelayMs must be a number of milliseconds, 0 or more");
  if (!nonNegative(policy.maxDelayMs)) problems.push("retry.maxDelayMs must be a number of milliseconds, 0 or more");
  else if (nonNegative(policy.initialDelayMs) && policy.maxDelayMs < policy.initialDelayMs) {
    problems.push("retry.maxDelayMs must not be less than retry.initialDelayMs");
  }
  if (policy.jitter !== "full" && policy.jitter !== "none") problems.push("retry.jitter must be 'full' or 'none'");
  if (problems.length > 0) throw new ConfigurationError(problems.join("; "));
  return policy;
}

/** The delay before attempt `failedAttempt + 1`, after attempt `failedAttempt` (1-based) failed. */
export function retryDelay(policy: RetryPolicy, failedAttempt: number, random: () => number, retryAfterMs?: number): number {
  const exponent = policy.backoff === "exponential" ? Math.min(failedAttempt - 1, 40) : 0;
  const ceiling = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** exponent);
  const computed = policy.jitter === "full" ? Math.floor(random() * ceiling) : ceiling;
  return retryAfterMs === undefined ? computed : Math.max(computed, retryAfterMs);
}

/**
 * Parses a `Retry-After` header: delay-seconds or an HTTP date. Returns milliseconds from `now`,
 * or undefined when the header is absent or unreadable.
 */
export function parseRetryAfter(value: string | undefined | null, now: number): number | undefined {
  if (value === undefined || value === null) return undefined;
  const text = value.trim();
  if (/^[0-9]+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
