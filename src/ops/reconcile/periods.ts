/** Periods a reconciliation groups by: a day, an ISO week or a month of a date or timestamp. */

/** The period a date-like value falls in, or undefined when it is not a date. */
export function periodOf(value: unknown, period: "day" | "week" | "month"): string | undefined {
  const text = typeof value === "number" ? new Date(value < 1e11 ? value * 1000 : value).toISOString() : typeof value === "string" ? value : undefined;
  if (text === undefined || !/^\d{4}-\d{2}-\d{2}/.test(text)) return undefined;
  if (period === "month") return text.slice(0, 7);
  if (period === "day") return text.slice(0, 10);
  const date = new Date(`${text.slice(0, 10)}T00:00:00Z`);
  // ISO 8601: the week belongs to the year of its Thursday.
  date.setUTCDate(date.getUTCDate() + 4 - (date.getUTCDay() || 7));
  const year = date.getUTCFullYear();
  const week = Math.ceil(((date.getTime() - Date.UTC(year, 0, 1)) / 86_400_000 + 1) / 7);
  return `${year}-W${String(week).padStart(2, "0")}`;
}

/**
 * The first and last day (YYYY-MM-DD) of a period written as a run names it: `2026-03` (a month),
 * `2026-W11` (an ISO week) or `2026-03-10` (a day); undefined when it is none of these.
 */
export function periodRange(period: string): { from: string; to: string } | undefined {
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  let match = /^(\d{4})-(\d{2})$/.exec(period);
  if (match !== null) {
    const [year, month] = [Number(match[1]), Number(match[2])];
    if (month < 1 || month > 12) return undefined;
    return { from: day(Date.UTC(year, month - 1, 1)), to: day(Date.UTC(year, month, 0)) };
  }
  match = /^(\d{4})-W(\d{2})$/.exec(period);
  if (match !== null) {
    const [year, week] = [Number(match[1]), Number(match[2])];
    if (week < 1 || week > 53) return undefined;
    // The Monday of ISO week 1 is the Monday on or before 4 January.
    const jan4 = Date.UTC(year, 0, 4);
    const monday = jan4 - ((new Date(jan4).getUTCDay() || 7) - 1) * 86_400_000 + (week - 1) * 7 * 86_400_000;
    return { from: day(monday), to: day(monday + 6 * 86_400_000) };
  }
  if (/^\d{4}-\d{2}-\d{2}$/.test(period) && !Number.isNaN(Date.parse(`${period}T00:00:00Z`))) return { from: period, to: period };
  return undefined;
}
