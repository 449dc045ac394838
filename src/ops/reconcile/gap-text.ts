/**
 * How a gap reads to people, in the exception queue, in `spec reconcile`'s report and on the
 * dashboard: by how much its sources differ, or, where the totals agree, that some records could
 * not be measured (a time entry with no rate values nothing, so totals of 0.00 on both sides are
 * no agreement). Each side shows its total, and the records it counted or could not measure.
 */
import type { Gap, GapSide } from "./engine.ts";

/** `differs by 150.00`, or, where the totals agree, `has 3 record(s) that could not be measured`. */
export function gapVerdict(gap: Pick<Gap, "difference" | "sides">): string {
  const unmeasured = gap.sides.reduce((n, side) => n + (side.unmeasured ?? 0), 0);
  if (unmeasured > 0 && Number(gap.difference) === 0) return `has ${unmeasured} record(s) that could not be measured`;
  return `differs by ${gap.difference}`;
}

/** `approved-time 50.00`, with `(1)` records counted when asked and `3 not measured` when there are. */
export function sideText(side: Pick<GapSide, "source" | "total" | "count" | "unmeasured">, counted = false): string {
  const notes = [...(counted ? [String(side.count)] : []), ...((side.unmeasured ?? 0) > 0 ? [`${side.unmeasured} not measured`] : [])];
  return notes.length === 0 ? `${side.source} ${side.total}` : `${side.source} ${side.total} (${notes.join(", ")})`;
}

/** The sides, side by side: `approved-time 50.00 vs cost-postings 0.00`. */
export function sidesText(gap: Pick<Gap, "sides">, counted = false): string {
  return gap.sides.map((side) => sideText(side, counted)).join(" vs ");
}
