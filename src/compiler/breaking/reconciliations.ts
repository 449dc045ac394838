/**
 * `spec breaking` over reconciliations. What a reconciliation keeps is its gaps: each open in the
 * exception queue under a key made of the group fields and the period, measured as the sources
 * measured it then. So a change that moves gaps to other keys (grouping, period), measures a side
 * differently (its measure, filter, lookups, system or entity), drops a side, widens the tolerance
 * (gaps already open close without anyone acting) or moves the queue breaks the gaps already kept;
 * a reconciliation that no longer runs on its own breaks those who watch its runs. A source added,
 * a tighter tolerance (more gaps, new work), a new schedule or another way of reading a side's
 * records break no one.
 */
import type { ReconciliationSourceSpec, ReconciliationSpec } from "../../model/reconciliation.ts";
import type { PathSegment } from "../parse/document.ts";
import type { ChangeClass } from "./changes.ts";

type Emit = (cls: ChangeClass, message: string, path: readonly PathSegment[]) => void;

const show = (value: unknown): string => (value === undefined ? "none" : JSON.stringify(value));

/** How a source measures: what it reads and how it values each record (how the records are fetched aside). */
function measuring(source: ReconciliationSourceSpec): string {
  return JSON.stringify([source.system, source.entity, source.filter ?? null, source.measure, source.lookups ?? null]);
}

/** The schedule as the messages say it. */
function scheduleOf(spec: ReconciliationSpec): string | undefined {
  if (spec.schedule !== undefined) return `cron '${spec.schedule}'`;
  return spec.every === undefined ? undefined : `every ${spec.every}`;
}

function compareSources(emit: Emit, before: ReconciliationSpec, after: ReconciliationSpec): void {
  const index = new Map(after.sources.map((s, i) => [s.name, i]));
  for (const was of before.sources) {
    const at = index.get(was.name);
    const now = at === undefined ? undefined : after.sources[at];
    if (at === undefined || now === undefined) {
      emit("reconciliation-source-removed", `source ${was.name} was removed: the gaps open compare a side that is no longer read`, ["spec", "sources"]);
      continue;
    }
    if (measuring(was) !== measuring(now)) {
      emit("reconciliation-measure-changed", `source ${was.name} now selects or measures its records differently: gaps open were measured the old way, and may close or reopen`, ["spec", "sources", at]);
    }
    if (JSON.stringify(was.read ?? null) !== JSON.stringify(now.read ?? null)) {
      const how = now.read === undefined ? "no longer reads its records live" : was.read === undefined ? "now reads its records live" : "reads its records another way";
      emit("reconciliation-read-changed", `source ${was.name} ${how}`, ["spec", "sources", at, ...(now.read === undefined ? [] : ["read"])]);
    }
  }
  const names = new Set(before.sources.map((s) => s.name));
  after.sources.forEach((s, i) => {
    if (!names.has(s.name)) emit("reconciliation-source-added", `source ${s.name} was added`, ["spec", "sources", i]);
  });
}

/** A tolerance's bounds in cents and parts: wider when neither bound is smaller and one is larger. */
function compareTolerance(emit: Emit, before: ReconciliationSpec["tolerance"], after: ReconciliationSpec["tolerance"]): void {
  const bound = (value: string | undefined) => (value === undefined ? 0 : Number(value));
  const absolute = Math.sign(bound(after.absolute) - bound(before.absolute));
  const relative = Math.sign(bound(after.relative) - bound(before.relative));
  if (absolute === 0 && relative === 0) return;
  const text = `from ${show(before)} to ${show(after)}`;
  if (absolute > 0 || relative > 0) emit("reconciliation-tolerance-widened", `the tolerance widened ${text}: gaps open within it close with no one acting`, ["spec", "tolerance"]);
  else emit("reconciliation-tolerance-tightened", `the tolerance tightened ${text}: differences it allowed open gaps`, ["spec", "tolerance"]);
}

/** Emits the changes between two versions of a reconciliation. */
export function compareReconciliations(emit: Emit, before: ReconciliationSpec, after: ReconciliationSpec): void {
  const grouping = (s: ReconciliationSpec) => show([s.groupBy, s.period ?? null, s.periodField ?? null]);
  if (grouping(before) !== grouping(after)) {
    const what = show(before.groupBy) === show(after.groupBy) ? `the period changed from ${show(before.period)} to ${show(after.period)}` : `the groups changed from ${show(before.groupBy)} to ${show(after.groupBy)}`;
    emit("reconciliation-grouping-changed", `${what}: every gap open is kept under a key no run finds again`, ["spec", show(before.groupBy) === show(after.groupBy) ? "period" : "groupBy"]);
  }
  compareSources(emit, before, after);
  compareTolerance(emit, before.tolerance, after.tolerance);
  const [was, now] = [scheduleOf(before), scheduleOf(after)];
  if (was !== now) {
    if (now === undefined) emit("reconciliation-schedule-removed", `the reconciliation no longer runs on its own (it ran ${was}): it runs only when asked`, ["spec"]);
    else emit("reconciliation-schedule-changed", `the reconciliation runs ${now}${was === undefined ? "" : ` instead of ${was}`}`, ["spec", after.schedule === undefined ? "every" : "schedule"]);
  }
  if (before.onMismatch.queue !== after.onMismatch.queue || before.onMismatch.owner !== after.onMismatch.owner) {
    emit(
      "reconciliation-queue-changed",
      `gaps now open in ${after.onMismatch.queue} (${after.onMismatch.owner}), not ${before.onMismatch.queue} (${before.onMismatch.owner}): those already open stay in ${before.onMismatch.queue}`,
      ["spec", "onMismatch"],
    );
  }
}
