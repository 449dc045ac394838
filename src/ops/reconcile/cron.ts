/**
 * When a reconciliation runs next: a five-field cron expression (minute, hour, day of month,
 * month, day of week; UTC; `*`, lists, ranges and steps) or a fixed interval.
 */

const FIELDS = [
  { min: 0, max: 59 },
  { min: 0, max: 23 },
  { min: 1, max: 31 },
  { min: 1, max: 12 },
  { min: 0, max: 6 },
] as const;

/** The sets of allowed values of each field, or a sentence saying what is wrong. */
export function parseCron(expression: string): Set<number>[] | string {
  const parts = expression.trim().split(/\s+/);
  if (parts.length !== 5) return `a cron expression has five fields, not ${parts.length}`;
  const sets: Set<number>[] = [];
  for (const [i, part] of parts.entries()) {
    const { min, max } = FIELDS[i] as { min: number; max: number };
    const set = new Set<number>();
    for (const item of part.split(",")) {
      const match = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(item);
      if (match === null) return `cannot read '${item}' in '${expression}'`;
      const from = match[1] === "*" ? min : Number(match[2]);
      const to = match[1] === "*" ? max : match[3] === undefined ? (match[4] === undefined ? from : max) : Number(match[3]);
      const step = match[4] === undefined ? 1 : Number(match[4]);
      if (from < min || to > max || from > to || step < 1) return `'${item}' is out of range ${min}-${max} in '${expression}'`;
      for (let v = from; v <= to; v += step) set.add(v);
    }
    sets.push(set);
  }
  return sets;
}

/** The first minute strictly after `after` (ms) matching the cron expression. */
export function nextCronTime(expression: string, after: number): number {
  const sets = parseCron(expression);
  if (typeof sets === "string") throw new Error(sets);
  const [minutes, hours, days, months, weekdays] = sets as [Set<number>, Set<number>, Set<number>, Set<number>, Set<number>];
  const date = new Date(Math.floor(after / 60_000) * 60_000 + 60_000);
  // A year of minutes bounds the search; every valid expression matches within it.
  for (let i = 0; i < 527_040; i++) {
    if (
      months.has(date.getUTCMonth() + 1) &&
      days.has(date.getUTCDate()) &&
      weekdays.has(date.getUTCDay()) &&
      hours.has(date.getUTCHours()) &&
      minutes.has(date.getUTCMinutes())
    )
      return date.getTime();
    date.setUTCMinutes(date.getUTCMinutes() + 1);
  }
  throw new Error(`'${expression}' never matches`);
}
