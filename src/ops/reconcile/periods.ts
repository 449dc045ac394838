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
