/**
 * Cron schedules of reconciliations and scheduled routes, read by croner with the semantics of
 * standard cron: five fields (minute, hour, day of month, month, day of week) in UTC; names of
 * months and weekdays (`JAN`, `MON`); `0` and `7` both Sunday; the nicknames `@yearly`,
 * `@monthly`, `@weekly`, `@daily` and `@hourly`; and when both day of month and day of week are
 * restricted, a day matching either runs (`0 9 1 * 1`: the 1st of each month and every Monday).
 * The compiler and the runtime both read schedules here, so what compiles is what runs.
 */
import { Cron } from "croner";

/** A parsed cron schedule. */
export interface CronSchedule {
  readonly expression: string;
  /** The first run strictly after `after` (ms since the epoch), or undefined when none follows. */
  next(after: number): number | undefined;
}

function cron(expression: string): Cron {
  return new Cron(expression.trim(), { paused: true, timezone: "UTC", mode: "5-part", domAndDow: false });
}

/** Reads a cron expression: the schedule, or a sentence saying what is wrong with it. */
export function parseSchedule(expression: string): CronSchedule | string {
  let job: Cron;
  try {
    job = cron(expression);
  } catch (error) {
    return `'${expression}' is not a cron expression: ${describeCronError((error as Error).message)}`;
  }
  // A pattern such as `0 0 31 2 *` parses and never runs; within the next eight years every
  // schedule that can run has run (a 29th of February included).
  if (job.nextRun(new Date(Date.UTC(2000, 0, 1))) === null) return `'${expression}' never runs (no date matches it)`;
  return {
    expression,
    next(after) {
      const at = job.nextRun(new Date(after));
      return at === null ? undefined : at.getTime();
    },
  };
}

/** The first run of `expression` strictly after `after`; throws when the expression does not parse. */
export function nextCronTime(expression: string, after: number): number | undefined {
  const schedule = parseSchedule(expression);
  if (typeof schedule === "string") throw new Error(schedule);
  return schedule.next(after);
}

/** croner's messages without its class name prefix, as a clause of a sentence. */
function describeCronError(message: string): string {
  return message.replace(/^CronPattern:\s*/, "").replace(/\.$/, "");
}
