/**
 * How a simulator misbehaves, drawn from a seeded source so a run can be repeated: throttling
 * (429 with `Retry-After`), server errors, slow answers, answers lost after the effect was applied,
 * and one outage window during which every request fails.
 */
import type { Random } from "../random.ts";

/** Rates of each misbehaviour, per request. */
export interface FaultRates {
  throttle: number;
  error: number;
  slow: number;
  /** Only requests with an effect lose their answer, and only after the effect is applied. */
  lose: number;
}

/** The misbehaviour settings of one simulator. */
export interface FaultSettings {
  rates: FaultRates;
  /** The `Retry-After` of a 429, in seconds. */
  retryAfterSeconds: number;
  /** How long a slow answer takes, in milliseconds (a draw between the two). */
  slowMs: readonly [number, number];
  /** One outage: it starts `afterMs` after the first request and lasts `durationMs`. */
  outage?: { afterMs: number; durationMs: number };
}

/** What happens to one request. */
export type Fault =
  | { kind: "none" }
  | { kind: "outage" }
  | { kind: "throttle"; retryAfterSeconds: number }
  | { kind: "error"; status: 500 | 502 | 503 }
  | { kind: "slow"; delayMs: number }
  | { kind: "lose" };

/** Decides the fault of each request. */
export interface FaultSchedule {
  next(effectful: boolean, now: number): Fault;
  /** Whether the outage window is open at `now`. */
  inOutage(now: number): boolean;
}

/** Well-behaved: no faults at all. */
export const NO_FAULTS: FaultSettings = { rates: { throttle: 0, error: 0, slow: 0, lose: 0 }, retryAfterSeconds: 1, slowMs: [0, 0] };

/** The demo's default misbehaviour: rare enough that a month finishes, common enough to be seen. */
export function demoFaults(outage?: { afterMs: number; durationMs: number }): FaultSettings {
  return {
    rates: { throttle: 0.002, error: 0.004, slow: 0.003, lose: 0.002 },
    retryAfterSeconds: 1,
    slowMs: [20, 120],
    ...(outage === undefined ? {} : { outage }),
  };
}

/** Creates the schedule of one simulator from its settings and a seeded source. */
export function createFaultSchedule(settings: FaultSettings, random: Random): FaultSchedule {
  let firstRequestAt: number | undefined;
  const inOutage = (now: number): boolean => {
    if (settings.outage === undefined || firstRequestAt === undefined) return false;
    const from = firstRequestAt + settings.outage.afterMs;
    return now >= from && now < from + settings.outage.durationMs;
  };
  return {
    inOutage,
    next(effectful, now) {
      firstRequestAt ??= now;
      if (inOutage(now)) return { kind: "outage" };
      const draw = random.next();
      const { throttle, error, slow, lose } = settings.rates;
      if (draw < throttle) return { kind: "throttle", retryAfterSeconds: settings.retryAfterSeconds };
      if (draw < throttle + error) return { kind: "error", status: random.pick([500, 502, 503] as const) };
      if (draw < throttle + error + slow) return { kind: "slow", delayMs: random.int(settings.slowMs[0], settings.slowMs[1]) };
      if (effectful && draw < throttle + error + slow + lose) return { kind: "lose" };
      return { kind: "none" };
    },
  };
}
