/**
 * Money in the demo is integer minor units (cents, pence) and is written as decimal strings, as the
 * specs require: never a float.
 */

/** Writes minor units as a decimal string with two places (`-1234` -> `"-12.34"`). */
export function toDecimal(cents: number): string {
  const sign = cents < 0 ? "-" : "";
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, "0")}`;
}

/** Reads a decimal string (or number) as minor units, rounding half-even past two places. */
export function toCents(value: string | number): number {
  const text = typeof value === "number" ? value.toFixed(6) : value.trim();
  const match = /^(-?)([0-9]*)(?:\.([0-9]*))?$/.exec(text);
  if (match === null) throw new Error(`not a decimal: ${text}`);
  const sign = match[1] === "-" ? -1 : 1;
  const whole = Number(match[2] || "0");
  const fraction = (match[3] ?? "").padEnd(3, "0");
  const cents = Number(fraction.slice(0, 2));
  const rest = fraction.slice(2);
  let result = whole * 100 + cents;
  const half = `5${"0".repeat(rest.length - 1)}`;
  if (rest > half || (rest === half && result % 2 === 1)) result += 1;
  return sign * result;
}

/** `minutes x rate / 60` in minor units, rounded half-even, as `apply-rate-card` prices time. */
export function priceMinutes(minutes: number, rateCents: number): number {
  const numerator = minutes * rateCents;
  const quotient = Math.floor(numerator / 60);
  const remainder = numerator - quotient * 60;
  if (remainder * 2 > 60 || (remainder * 2 === 60 && quotient % 2 === 1)) return quotient + 1;
  return quotient;
}
