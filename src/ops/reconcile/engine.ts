/**
 * Runs one Reconciliation spec: reads each source's records of the entity from its system, keeps
 * those the filter selects, measures each, sums the measures per group (the `groupBy` fields and
 * the period), and reports every group whose sources differ by more than the tolerance as a gap,
 * with the records behind each side.
 */
import type { ReconciliationSourceSpec } from "../../model/reconciliation.ts";
import type { ReconciliationDefinition } from "../../pipeline/lowered.ts";
import { toCents, toDecimal } from "../money.ts";
import { compileExpression } from "../expression.ts";
import { applyLookups, type LookupSource } from "./lookups.ts";
import { periodOf } from "./periods.ts";

/** A reconciliation as the engine runs it (lowered by the compiler). */
export type { ReconciliationDefinition } from "../../pipeline/lowered.ts";

/** What a reader gives for one source: its canonical records, and the items it could not turn into one. */
export interface ReadResult {
  records: readonly Record<string, unknown>[];
  problems: readonly { message: string; record: Record<string, unknown> }[];
  /** The lookups of the reverse mapping that found nothing, by the record they were for. */
  misses?: ReadonlyMap<Record<string, unknown>, readonly string[]>;
}

/**
 * Reads the canonical records of an entity that a system holds; `source` is the spec's source
 * (with its live `read`), `period` the one period a run reconciles, when it reconciles one.
 */
export type RecordReader = (
  system: string,
  entity: string,
  source?: ReconciliationSourceSpec,
  period?: string,
) => Promise<readonly Record<string, unknown>[] | ReadResult> | readonly Record<string, unknown>[] | ReadResult;

/** One side of a gap: a source's total for the group and the records behind it. */
export interface GapSide {
  source: string;
  system: string;
  total: string;
  count: number;
  /** The records behind the total (at most `recordLimit` of them). */
  records: Record<string, unknown>[];
  /** Records of the group this source selected and could not measure (the run's problems say why). */
  unmeasured?: number;
  unmeasuredRecords?: Record<string, unknown>[];
}

/** A group whose sources disagree beyond the tolerance. */
export interface Gap {
  reconciliation: string;
  /** The `groupBy` values, by field. */
  group: Record<string, string>;
  period?: string;
  /** `field=value,...@period`: stable across runs, the gap's identity. */
  key: string;
  /** The largest total minus the smallest. */
  difference: string;
  sides: GapSide[];
  queue: string;
  owner: string;
  slaMs?: number;
}

/** A record that could not be measured (the measure failed or was not a decimal). */
export interface MeasureProblem {
  source: string;
  message: string;
  record: Record<string, unknown>;
}

/** The outcome of one run. */
export interface ReconciliationResult {
  reconciliation: string;
  /** The one period the run reconciled, when it reconciled one. */
  period?: string;
  ranAt: number;
  durationMs: number;
  groups: number;
  records: Record<string, number>;
  gaps: Gap[];
  problems: MeasureProblem[];
}

/** Options of a run. */
export interface RunOptions {
  now: number;
  /** Records kept per side of a gap; 25 unless set. */
  recordLimit?: number;
  /** Reconcile only this period (`2026-03`, `2026-W11`, `2026-03-10`): other groups are left out. */
  period?: string;
  /** Where the sources' lookups are answered (the runtime's store). */
  lookups?: LookupSource;
}

interface Measured {
  cents: number;
  record: Record<string, unknown>;
}

function fieldValue(record: Record<string, unknown>, path: string): unknown {
  let node: unknown = record;
  for (const part of path.split(".")) node = typeof node === "object" && node !== null ? (node as Record<string, unknown>)[part] : undefined;
  return node;
}

function toAmount(value: unknown): number | undefined {
  if (typeof value === "number" && Number.isFinite(value)) return toCents(value);
  if (typeof value === "string" && /^-?\d+(\.\d+)?$/.test(value.trim())) return toCents(value);
  return undefined;
}

function durationOf(text: string | undefined): number | undefined {
  const match = text === undefined ? null : /^(\d+)(ms|s|m|h|d)$/.exec(text);
  if (match === null) return undefined;
  return Number(match[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] as "ms"];
}

/** A group's records so far, by source, and the records of each source that could not be measured. */
interface GroupEntry {
  group: Record<string, string>;
  period?: string;
  sides: Map<string, Measured[]>;
  unmeasured: Map<string, Record<string, unknown>[]>;
}

/** What one source gives a run: records read, measured and grouped. */
interface SourceContext {
  definition: ReconciliationDefinition;
  options: RunOptions;
  groups: Map<string, GroupEntry>;
  problems: MeasureProblem[];
}

/** The group of a record, or undefined when the run reconciles another period. */
function groupOf(cx: SourceContext, record: Record<string, unknown>): { key: string; entry: GroupEntry } | undefined {
  const { spec } = cx.definition;
  const group: Record<string, string> = {};
  for (const field of spec.groupBy) group[field] = String(fieldValue(record, field) ?? "(none)");
  const period = spec.period === undefined ? undefined : (periodOf(fieldValue(record, spec.periodField ?? ""), spec.period as "day" | "week" | "month") ?? "(none)");
  // A run of one period compares that period only: the list may also hold its neighbours' records.
  if (cx.options.period !== undefined && period !== undefined && period !== cx.options.period) return undefined;
  const key = `${spec.groupBy.map((f) => `${f}=${group[f]}`).join(",")}${period === undefined ? "" : `@${period}`}`;
  let entry = cx.groups.get(key);
  if (entry === undefined) {
    entry = { group, ...(period === undefined ? {} : { period }), sides: new Map(), unmeasured: new Map() };
    cx.groups.set(key, entry);
  }
  return { key, entry };
}

/**
 * Reads, filters, measures and groups one source's records; returns how many were measured. A
 * record the filter selects but the measure cannot value is reported, and its group is a gap:
 * its total is not known, so the sides cannot be said to agree.
 */
async function measureSource(cx: SourceContext, source: ReconciliationSourceSpec, read: RecordReader): Promise<number> {
  const name = cx.definition.name;
  const filter = source.filter === undefined ? undefined : await compileExpression(`${name}#${source.name}.filter`, source.filter);
  const measure = await compileExpression(`${name}#${source.name}.measure`, source.measure);
  const got = await read(source.system, source.entity, source, cx.options.period);
  const records = "records" in got ? got.records : got;
  const readMisses = "misses" in got ? got.misses : undefined;
  if ("problems" in got) for (const p of got.problems) cx.problems.push({ source: source.name, ...p });
  const lookups = source.lookups ?? [];
  const provider = cx.options.lookups;
  // Offline (a records file and no store), nothing answers a lookup: each one is a miss that says so.
  const unanswered = lookups.map((l) => `${l.as}: no store to look ${l.entity} up in`);
  let kept = 0;
  for (const record of records) {
    const looked = lookups.length === 0 ? { bindings: {}, misses: [] } : provider === undefined ? { bindings: {}, misses: unanswered } : await applyLookups(provider, lookups, record);
    const misses = [...(readMisses?.get(record) ?? []), ...looked.misses];
    if (filter !== undefined && (await filter(record, looked.bindings).catch(() => false)) !== true) continue;
    let value: unknown;
    let failure: string | undefined;
    try {
      value = await measure(record, looked.bindings);
    } catch (error) {
      failure = (error as Error).message;
    }
    const cents = failure === undefined ? toAmount(value) : undefined;
    const grouped = groupOf(cx, record);
    if (cents === undefined) {
      const why = failure ?? `the measure gave ${JSON.stringify(value) ?? "nothing"}, not a decimal`;
      cx.problems.push({ source: source.name, message: misses.length === 0 ? why : `${why} (not found: ${misses.join("; ")})`, record });
      grouped?.entry.unmeasured.set(source.name, [...(grouped.entry.unmeasured.get(source.name) ?? []), record]);
      continue;
    }
    kept++;
    if (grouped === undefined) continue;
    grouped.entry.sides.set(source.name, [...(grouped.entry.sides.get(source.name) ?? []), { cents, record }]);
  }
  return kept;
}

/** Runs one reconciliation over the records `read` returns. */
export async function runReconciliation(definition: ReconciliationDefinition, read: RecordReader, options: RunOptions): Promise<ReconciliationResult> {
  const started = Date.now();
  const { spec } = definition;
  const limit = options.recordLimit ?? 25;
  const cx: SourceContext = { definition, options, groups: new Map(), problems: [] };
  const { groups, problems } = cx;
  const counts: Record<string, number> = {};
  for (const source of spec.sources) counts[source.name] = await measureSource(cx, source, read);
  const absolute = spec.tolerance.absolute === undefined ? 0 : toCents(spec.tolerance.absolute);
  const relative = spec.tolerance.relative === undefined ? 0 : Number(spec.tolerance.relative);
  const gaps: Gap[] = [];
  const slaMs = durationOf(spec.onMismatch.sla);
  for (const [key, entry] of [...groups].sort((a, b) => a[0].localeCompare(b[0]))) {
    const totals = spec.sources.map((s) => (entry.sides.get(s.name) ?? []).reduce((sum, m) => sum + m.cents, 0));
    const high = Math.max(...totals);
    const low = Math.min(...totals);
    const allowed = Math.max(absolute, Math.floor(relative * Math.max(Math.abs(high), Math.abs(low))));
    if (high - low <= allowed && entry.unmeasured.size === 0) continue;
    gaps.push({
      reconciliation: definition.name,
      group: entry.group,
      ...(entry.period === undefined ? {} : { period: entry.period }),
      key,
      difference: toDecimal(high - low),
      sides: spec.sources.map((s, i) => {
        const measured = entry.sides.get(s.name) ?? [];
        const unmeasured = entry.unmeasured.get(s.name) ?? [];
        return {
          source: s.name,
          system: s.system,
          total: toDecimal(totals[i] ?? 0),
          count: measured.length,
          records: measured.slice(0, limit).map((m) => m.record),
          ...(unmeasured.length === 0 ? {} : { unmeasured: unmeasured.length, unmeasuredRecords: unmeasured.slice(0, limit) }),
        };
      }),
      queue: spec.onMismatch.queue,
      owner: spec.onMismatch.owner,
      ...(slaMs === undefined ? {} : { slaMs }),
    });
  }
  return {
    reconciliation: definition.name,
    ...(options.period === undefined ? {} : { period: options.period }),
    ranAt: options.now,
    durationMs: Date.now() - started,
    groups: groups.size,
    records: counts,
    gaps,
    problems,
  };
}
