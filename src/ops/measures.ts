/**
 * The business measures a project declares on its routes (`measures:`), computed from what the
 * store recorded: for each event, when it was accepted, which deliveries its routing made and when
 * each was delivered; and the open exceptions. Nothing here knows any one firm's workflows.
 */
import type { MeasureDefinition, PipelineDefinition } from "../runtime/pipeline.ts";
import type { Issue } from "../runtime/store/store.ts";

/** What the audit trail says of one event, as the measures read it. */
export interface EventFacts {
  route: string;
  acceptedAt: number;
  /** How its processing settled, once it has. */
  settled?: "routed" | "exception" | "skipped";
  /** The targets (`system.operation`) its routing made deliveries to. */
  routedTargets: readonly string[];
  /** When each target's delivery was made. */
  delivered: ReadonlyMap<string, number>;
}

/** One declared measure's value. */
export interface MeasureValue {
  route: string;
  name: string;
  description: string;
  kind: MeasureDefinition["kind"];
  /** For a latency: the median and 90th percentile, ms, over `count` events. */
  p50Ms: number | null;
  p90Ms: number | null;
  /** For a latency: the events measured; for the others: the value. */
  count: number;
  objective: string | null;
  /** True when the value is beyond the declared objective. */
  breached: boolean;
}

/** The `p`th percentile of `values`, or null when there are none. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

/** The target (`system.operation`) a route's step delivers to, when it is a deliver step. */
function targetOf(pipeline: PipelineDefinition, step: string | undefined): string | undefined {
  const visit = (steps: PipelineDefinition["steps"]): string | undefined => {
    for (const s of steps) {
      if (s.id === step && s.kind === "deliver") return `${s.system}.${s.operation}`;
      if (s.kind === "branch") for (const b of s.branches) {
        const found = visit(b.steps);
        if (found !== undefined) return found;
      }
    }
    return undefined;
  };
  return visit(pipeline.steps);
}

/**
 * Whether an event still lacks the delivery to `target`: it is not settled yet, was filed as an
 * exception, or was routed to the target and the delivery has not been made.
 */
function pendingFor(facts: EventFacts, target: string): boolean {
  if (facts.settled === "skipped") return false;
  if (facts.settled === "routed") return facts.routedTargets.includes(target) && !facts.delivered.has(target);
  return !facts.delivered.has(target);
}

/** A whole number of the largest unit that divides it: `2d`, `4h`, `90s`, `250ms`. */
function duration(ms: number): string {
  for (const [unit, size] of [["d", 86_400_000], ["h", 3_600_000], ["m", 60_000], ["s", 1000]] as const) if (ms % size === 0 && ms > 0) return `${ms / size}${unit}`;
  return `${ms}ms`;
}

function describeObjective(m: MeasureDefinition): string | null {
  if (m.objectiveMs !== undefined) return `p90 within ${duration(m.objectiveMs)}`;
  if (m.objectiveCount !== undefined) return `at most ${m.objectiveCount}`;
  return null;
}

/** Computes every measure the pipelines declare, in route then declaration order. */
export function computeMeasures(pipelines: readonly PipelineDefinition[], events: Iterable<EventFacts>, exceptions: readonly Issue[]): MeasureValue[] {
  const byRoute = new Map<string, EventFacts[]>();
  for (const facts of events) byRoute.set(facts.route, [...(byRoute.get(facts.route) ?? []), facts]);
  const out: MeasureValue[] = [];
  for (const pipeline of [...pipelines].sort((a, b) => a.route.localeCompare(b.route))) {
    const mine = byRoute.get(pipeline.route) ?? [];
    for (const m of pipeline.measures ?? []) {
      const base = { route: pipeline.route, name: m.name, description: m.description, kind: m.kind, objective: describeObjective(m) };
      if (m.kind === "latency") {
        const target = targetOf(pipeline, m.step) ?? "";
        const took = mine.flatMap((f) => (f.delivered.has(target) ? [(f.delivered.get(target) as number) - f.acceptedAt] : []));
        const p90Ms = percentile(took, 90);
        out.push({ ...base, p50Ms: percentile(took, 50), p90Ms, count: took.length, breached: m.objectiveMs !== undefined && p90Ms !== null && p90Ms > m.objectiveMs });
        continue;
      }
      const count =
        m.kind === "pending"
          ? mine.filter((f) => pendingFor(f, targetOf(pipeline, m.step) ?? "")).length
          : exceptions.filter((i) => i.route === pipeline.route && i.status === "open" && (m.reason === undefined || i.reason.toLowerCase().includes(m.reason.toLowerCase()))).length;
      out.push({ ...base, p50Ms: null, p90Ms: null, count, breached: m.objectiveCount !== undefined && count > m.objectiveCount });
    }
  }
  return out;
}
