/**
 * A circuit breaker per system. Closed: calls go through and consecutive failures are counted.
 * After `failureThreshold` of them it opens: no call is made for `resetAfterMs`. Then it is
 * half-open: at most `halfOpenProbes` calls go through; one success closes it, one failure opens
 * it again for another `resetAfterMs`.
 */

/** The breaker's settings, as a route's `circuitBreaker` policy declares them. */
export interface BreakerSettings {
  failureThreshold: number;
  resetAfterMs: number;
  halfOpenProbes: number;
}

/** One system's breaker. Times are the injected clock's. */
export interface CircuitBreaker {
  /** Whether a call may go now; in half-open this takes one of the bounded probes. */
  allow(now: number): boolean;
  success(): void;
  failure(now: number): void;
  state(now: number): "closed" | "open" | "half-open";
  /** When an open breaker lets the next probe through. */
  retryAt(): number;
  /** Probes let through since the breaker last opened (for tests and metrics). */
  readonly probes: number;
  /** Times the breaker has opened. */
  readonly opened: number;
}

/** What is used when no route of a system declares a breaker. */
export const DEFAULT_BREAKER: BreakerSettings = { failureThreshold: 10, resetAfterMs: 30_000, halfOpenProbes: 1 };

/** Creates a closed breaker. */
export function createCircuitBreaker(settings: BreakerSettings): CircuitBreaker {
  let failures = 0;
  let openedAt: number | undefined;
  let probesInFlight = 0;
  let probes = 0;
  let opened = 0;
  const open = (now: number) => {
    openedAt = now;
    probesInFlight = 0;
    opened += 1;
  };
  const state = (now: number) => (openedAt === undefined ? "closed" : now < openedAt + settings.resetAfterMs ? "open" : "half-open");
  return {
    allow(now) {
      const current = state(now);
      if (current === "closed") return true;
      if (current === "open" || probesInFlight >= settings.halfOpenProbes) return false;
      probesInFlight += 1;
      probes += 1;
      return true;
    },
    success() {
      failures = 0;
      openedAt = undefined;
      probesInFlight = 0;
    },
    failure(now) {
      if (openedAt !== undefined) {
        open(now);
        return;
      }
      failures += 1;
      if (failures >= settings.failureThreshold) open(now);
    },
    state,
    retryAt: () => (openedAt ?? 0) + settings.resetAfterMs,
    get probes() {
      return probes;
    },
    get opened() {
      return opened;
    },
  };
}
