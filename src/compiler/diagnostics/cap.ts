/**
 * How many diagnostics a report shows: at most 200 per file and 1,000 in all, so a file with a
 * quarter of a million mistakes prints a page, not 34 MB. What is left out is counted: the
 * human formats end with "… N more diagnostics not shown", and the machine formats carry the
 * true totals beside the diagnostics they list.
 */
import type { Diagnostic } from "./diagnostic.ts";

/** Diagnostics shown per file. */
export const MAX_DIAGNOSTICS_PER_FILE = 200;

/** Diagnostics shown in one report. */
export const MAX_DIAGNOSTICS = 1000;

/** Counts of every diagnostic found, shown or not. */
export interface DiagnosticTotals {
  error: number;
  warn: number;
  info: number;
  hint: number;
  /** Diagnostics left out of the report by the caps. */
  omitted: number;
}

/** The diagnostics a report shows, in their order, and the totals of all of them. */
export interface CappedDiagnostics {
  shown: Diagnostic[];
  totals: DiagnosticTotals;
}

/** The caps a report applies. */
export interface DiagnosticCaps {
  perFile: number;
  total: number;
}

/** Keeps the first diagnostics of each file (and of the whole report) up to the caps; counts them all. */
export function capDiagnostics(
  diagnostics: readonly Diagnostic[],
  caps: DiagnosticCaps = { perFile: MAX_DIAGNOSTICS_PER_FILE, total: MAX_DIAGNOSTICS },
): CappedDiagnostics {
  const totals: DiagnosticTotals = { error: 0, warn: 0, info: 0, hint: 0, omitted: 0 };
  const perFile = new Map<string, number>();
  const shown: Diagnostic[] = [];
  for (const d of diagnostics) {
    totals[d.severity]++;
    const file = d.location?.file.path ?? "";
    const inFile = perFile.get(file) ?? 0;
    if (shown.length >= caps.total || inFile >= caps.perFile) {
      totals.omitted++;
      continue;
    }
    perFile.set(file, inFile + 1);
    shown.push(d);
  }
  return { shown, totals };
}

/** The line that ends a capped human report, or undefined when nothing was left out. */
export function omittedLine(totals: DiagnosticTotals, caps: DiagnosticCaps = { perFile: MAX_DIAGNOSTICS_PER_FILE, total: MAX_DIAGNOSTICS }): string | undefined {
  if (totals.omitted === 0) return undefined;
  const n = totals.omitted;
  return `… ${n} more diagnostic${n === 1 ? "" : "s"} not shown (at most ${caps.perFile} per file and ${caps.total} in all); --format json or sarif counts them all`;
}
