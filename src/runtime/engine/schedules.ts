/**
 * Scheduled routes: a route triggered by a cron schedule runs at each instant its schedule names,
 * as an event in the inbox whose record is the route and the instant (`{ route, scheduledAt }`).
 * Every worker arms the same timers and offers the same event at the same instant, and the inbox
 * keeps it once: its idempotency key comes from the instant (the route's key over `scheduledAt`,
 * or the record's hash), so however many workers run, and however often one restarts within an
 * instant, the run happens once. The runs of one route share an ordering key unless the route
 * declares its own: a run that outlasts its interval holds the next back, never two at once.
 * Instants missed while no worker ran are not made up, as cron does not make them up.
 */
import { parseSchedule } from "../../pipeline/schedule.ts";
import type { Cancel } from "../host.ts";
import type { PipelineDefinition } from "../pipeline.ts";
import type { EngineContext } from "./context.ts";
import type { Offer } from "./intake.ts";

/** The record of a scheduled run, as the route's steps read it. */
export interface ScheduledRun {
  route: string;
  /** The instant the schedule named, ISO 8601 in UTC, to the second. */
  scheduledAt: string;
}

/** What one instant's offer came to. */
export type ScheduledOutcome = "accepted" | "duplicate" | "failed";

/** The scheduled routes of a runtime. */
export interface RouteSchedules {
  /** Arms a timer for each scheduled route's next instant; each run arms the next. */
  start(): void;
  stop(): void;
  /** Offers the run of `route` at `at` (ms since the epoch) now; what the timers call. */
  fire(route: string, at: number): Promise<ScheduledOutcome>;
  /** The next instant armed per route, while started. */
  armed(): Readonly<Record<string, number>>;
}

/** The longest a timer is armed for: a later instant is reached by re-arming (timers cannot wait for months). */
const MAX_TIMER_MS = 6 * 3_600_000;

/** The ISO instant of `at`, to the second. */
export function scheduledAt(at: number): string {
  return new Date(at).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** The scheduled routes of the spec set, each with its parsed schedule. */
function scheduled(pipelines: Iterable<PipelineDefinition>) {
  const out: { route: string; next(after: number): number | undefined }[] = [];
  for (const p of pipelines) {
    if (p.trigger.kind !== "schedule") continue;
    const schedule = parseSchedule(p.trigger.cron);
    // The compiler refuses a schedule that does not parse: here one is an internal error.
    if (typeof schedule === "string") throw new Error(`route ${p.route}: ${schedule}`);
    out.push({ route: p.route, next: (after) => schedule.next(after) });
  }
  return out;
}

/** Creates the scheduler of the runtime's scheduled routes. */
export function routeSchedules(cx: EngineContext, offer: Offer): RouteSchedules {
  const routes = scheduled(cx.routes.pipelines.values());
  const timers = new Map<string, Cancel>();
  const armedAt = new Map<string, number>();
  let running = false;

  const fire = async (route: string, at: number): Promise<ScheduledOutcome> => {
    const run: ScheduledRun = { route, scheduledAt: scheduledAt(at) };
    let outcome: ScheduledOutcome;
    try {
      const result = await offer({ schedule: route }, [run]);
      const refused = result.refused[0];
      if (refused !== undefined) throw new Error(refused.reason);
      outcome = result.outcomes[0]?.status === "accepted" ? "accepted" : "duplicate";
    } catch (error) {
      outcome = "failed";
      cx.logger.error(`scheduled run of route ${route} at ${run.scheduledAt} could not be offered: ${error instanceof Error ? error.message : String(error)}`, {
        event: "schedule.failed",
        route,
        scheduledAt: run.scheduledAt,
        worker: cx.worker,
      });
    }
    cx.observer.scheduled(route, run.scheduledAt, outcome);
    return outcome;
  };

  const arm = (entry: (typeof routes)[number], after: number): void => {
    if (!running) return;
    const now = cx.clock.now();
    const next = entry.next(Math.max(after, now - 1));
    if (next === undefined) return;
    armedAt.set(entry.route, next);
    const wait = next - now;
    if (wait > MAX_TIMER_MS) {
      timers.set(entry.route, cx.timers.after(MAX_TIMER_MS, () => arm(entry, after)));
      return;
    }
    timers.set(
      entry.route,
      cx.timers.after(Math.max(0, wait), () => {
        void fire(entry.route, next).finally(() => arm(entry, next));
      }),
    );
  };

  return {
    start() {
      if (running) return;
      running = true;
      for (const entry of routes) {
        cx.logger.info(`route ${entry.route} runs on its schedule`, { event: "schedule.armed", route: entry.route, worker: cx.worker });
        arm(entry, cx.clock.now());
      }
    },
    stop() {
      running = false;
      for (const cancel of timers.values()) cancel();
      timers.clear();
      armedAt.clear();
    },
    fire,
    armed: () => Object.fromEntries(armedAt),
  };
}
