/**
 * The operational picture the dashboard, `spec status` and `/metrics` show, computed from the store
 * (its counts, issues and audit trail) and, where a runtime is hosted in the process, its systems'
 * breakers: health per system, backlog and lag per route, the queues people work, SLA breaches, and
 * the business measures the project's routes declare (measures.ts).
 */
import type { CompiledSpecSet } from "../runtime/pipeline.ts";
import type { AuditEntry, Issue, Store } from "../runtime/store/store.ts";
import { nameGaps } from "./gap-names.ts";
import { computeMeasures, type EventFacts, type MeasureValue, percentile } from "./measures.ts";
import type { ReconciliationResult } from "./reconcile/engine.ts";

/** What the snapshot can read from a runtime hosted in this process. */
export interface RuntimeView {
  systems: ReadonlyMap<string, { breaker: { state(now: number): "closed" | "open" | "half-open"; readonly opened: number } }>;
}

/** Health of one system. */
export interface SystemHealth {
  system: string;
  circuit: "closed" | "open" | "half-open" | "unknown";
  /** Times its breaker opened. */
  breakerOpened: number;
  /** Calls in the last minute against the declared quota: the share of the quota left (0..1). */
  rateLimitHeadroom: number | null;
  callsLastMinute: number;
  /** Failed attempts over all attempts (retries, dead letters and refusals count as failed). */
  errorRate: number;
  attempts: number;
  /** Mean and maximum latency in ms, when a source of latency is known (the demo's simulators). */
  latency: { meanMs: number; maxMs: number } | null;
}

/** Backlog and lag of one route. */
export interface RouteBacklog {
  route: string;
  accepted: number;
  /** Events accepted and not yet routed, skipped or filed as an exception. */
  open: number;
  /** Age in ms of the oldest open event (the route's lag). */
  oldestOpenMs: number;
  /** Median and 90th percentile ms from acceptance to the last delivery of the event. */
  p50Ms: number | null;
  p90Ms: number | null;
  slaMs: number | null;
  /** Events that took longer than the route's SLA. */
  slaBreaches: number;
}

/** An issue as the dashboard lists it, with its SLA state. */
export interface IssueView extends Issue {
  slaMs: number | null;
  pastSla: boolean;
}

/** The business measures: what the routes declare, and the exceptions past their SLA. */
export interface BusinessMetrics {
  measures: MeasureValue[];
  exceptionsPastSla: number;
}

/** The whole picture at one moment. */
export interface OpsSnapshot {
  at: number;
  counts: { events: Record<string, number>; deliveries: Record<string, number>; issues: Record<string, number> };
  systems: SystemHealth[];
  routes: RouteBacklog[];
  deadLetters: IssueView[];
  exceptions: IssueView[];
  reconciliations: ReconciliationResult[];
  /** A readable name of each gap's key: its group's records by name, and its period (gap-names.ts). */
  gapNames: Record<string, string>;
  business: BusinessMetrics;
}

/** What a snapshot is computed from. */
export interface SnapshotSources {
  store: Store;
  compiled: CompiledSpecSet;
  runtime?: RuntimeView;
  reconciliations?: () => ReconciliationResult[];
  latency?: (system: string) => { meanMs: number; maxMs: number } | null;
  now?: () => number;
  /** Audit rows read per snapshot, the newest (default 500,000): what a snapshot holds in memory, whatever the log's length. */
  auditLimit?: number;
}

interface TraceFacts extends EventFacts {
  settledAt?: number;
  lastDeliveryAt?: number;
  routedTargets: string[];
  delivered: Map<string, number>;
}

/**
 * The latest completed run of each reconciliation kept in the store, for a process that runs none
 * itself (a dashboard beside the workers, `spec status`).
 */
async function keptRuns(store: Store): Promise<ReconciliationResult[]> {
  const latest = new Map<string, ReconciliationResult>();
  for (const run of await store.reconciliationRuns({ limit: 500 })) {
    if (run.outcome !== "completed" || latest.has(run.reconciliation)) continue;
    latest.set(run.reconciliation, {
      reconciliation: run.reconciliation,
      ...(run.period === undefined ? {} : { period: run.period }),
      ranAt: run.ranAt,
      durationMs: run.durationMs,
      groups: run.groups,
      records: { ...run.records },
      gaps: run.gaps as ReconciliationResult["gaps"],
      problems: run.problems as ReconciliationResult["problems"],
    });
  }
  return [...latest.values()].sort((a, b) => a.reconciliation.localeCompare(b.reconciliation));
}

/** Computes the operational snapshot. */
export async function collectSnapshot(sources: SnapshotSources): Promise<OpsSnapshot> {
  const now = (sources.now ?? Date.now)();
  const { store, compiled } = sources;
  const [counts, issues, audit] = await Promise.all([store.counts(), store.listIssues(), store.auditTrail({ limit: sources.auditLimit ?? 500_000, newest: true })]);
  const events = new Map<string, TraceFacts>();
  const deliveryTarget = new Map<string, string>();
  const attempts = new Map<string, { ok: number; failed: number; lastMinute: number }>();
  const eventOf = new Map<string, TraceFacts>();
  const touch = (system: string) => {
    let entry = attempts.get(system);
    if (entry === undefined) {
      entry = { ok: 0, failed: 0, lastMinute: 0 };
      attempts.set(system, entry);
    }
    return entry;
  };
  for (const row of audit as AuditEntry[]) {
    const detail = (row.detail ?? {}) as Record<string, unknown>;
    if (row.action === "event.accepted") {
      const facts: TraceFacts = { route: String(detail["route"]), acceptedAt: row.at, routedTargets: [], delivered: new Map() };
      events.set(row.subject, facts);
      if (row.traceId !== null && !eventOf.has(row.traceId)) eventOf.set(row.traceId, facts);
    } else if (row.action === "event.routed" || row.action === "event.exception" || row.action === "event.skipped") {
      const facts = events.get(row.subject);
      if (facts !== undefined) {
        facts.settledAt = row.at;
        facts.settled = row.action.slice("event.".length) as "routed" | "exception" | "skipped";
        if (row.action === "event.routed") facts.routedTargets = ((detail["deliveries"] ?? []) as unknown[]).map(String);
      }
    } else if (row.action.startsWith("delivery.")) {
      const target = String(detail["target"] ?? deliveryTarget.get(row.subject) ?? "");
      deliveryTarget.set(row.subject, target);
      const system = target.split(".")[0] ?? "";
      const entry = touch(system);
      if (row.action === "delivery.delivered") entry.ok++;
      else entry.failed++;
      if (now - row.at <= 60_000) entry.lastMinute++;
      if (row.action === "delivery.delivered" && row.traceId !== null) {
        const facts = eventOf.get(row.traceId);
        if (facts !== undefined) {
          facts.delivered.set(target, row.at);
          facts.lastDeliveryAt = Math.max(facts.lastDeliveryAt ?? 0, row.at);
        }
      }
    }
  }
  const pipelines = new Map(compiled.pipelines.map((p) => [p.route, p]));
  const routes = new Map<string, { accepted: number; open: number; oldest: number; durations: number[]; breaches: number }>();
  for (const facts of events.values()) {
    let entry = routes.get(facts.route);
    if (entry === undefined) {
      entry = { accepted: 0, open: 0, oldest: 0, durations: [], breaches: 0 };
      routes.set(facts.route, entry);
    }
    entry.accepted++;
    if (facts.settledAt === undefined) {
      entry.open++;
      entry.oldest = Math.max(entry.oldest, now - facts.acceptedAt);
    }
    if (facts.lastDeliveryAt !== undefined) {
      const took = facts.lastDeliveryAt - facts.acceptedAt;
      entry.durations.push(took);
      const sla = pipelines.get(facts.route)?.slaMs;
      if (sla !== undefined && took > sla) entry.breaches++;
    }
  }
  const slaOf = (route: string): number | null => pipelines.get(route)?.policies.exceptions?.slaMs ?? null;
  const view = (issue: Issue): IssueView => {
    // A gap carries its reconciliation's SLA in its payload; an event's issue takes its route's.
    const slaMs = issue.gap !== null ? ((issue.payload as { slaMs?: number } | null)?.slaMs ?? null) : slaOf(issue.route);
    return { ...issue, slaMs, pastSla: issue.status === "open" && slaMs !== null && now - issue.createdAt > slaMs };
  };
  const deadLetters = issues.filter((i) => i.kind === "dead-letter").map(view);
  const exceptions = issues.filter((i) => i.kind === "exception").map(view);
  const systems: SystemHealth[] = Object.values(compiled.systems).map((definition) => {
    const breaker = sources.runtime?.systems.get(definition.name)?.breaker;
    const used = attempts.get(definition.name) ?? { ok: 0, failed: 0, lastMinute: 0 };
    const quota = definition.quotas?.requestsPerMinute;
    const total = used.ok + used.failed;
    return {
      system: definition.name,
      circuit: breaker === undefined ? "unknown" : breaker.state(now),
      breakerOpened: breaker?.opened ?? 0,
      rateLimitHeadroom: quota === undefined ? null : Math.max(0, 1 - used.lastMinute / quota),
      callsLastMinute: used.lastMinute,
      errorRate: total === 0 ? 0 : used.failed / total,
      attempts: total,
      latency: sources.latency?.(definition.name) ?? null,
    };
  });
  const reconciliations = sources.reconciliations?.() ?? (await keptRuns(store));
  return {
    at: now,
    counts: { events: { ...counts.events }, deliveries: { ...counts.deliveries }, issues: { ...counts.issues } },
    systems,
    routes: [...routes]
      .map(([route, r]) => ({
        route,
        accepted: r.accepted,
        open: r.open,
        oldestOpenMs: r.oldest,
        p50Ms: percentile(r.durations, 50),
        p90Ms: percentile(r.durations, 90),
        slaMs: pipelines.get(route)?.slaMs ?? null,
        slaBreaches: r.breaches,
      }))
      .sort((a, b) => a.route.localeCompare(b.route)),
    deadLetters,
    exceptions,
    reconciliations,
    gapNames: await nameGaps(store, reconciliations.flatMap((r) => r.gaps)),
    business: {
      measures: computeMeasures(compiled.pipelines, events.values(), exceptions),
      exceptionsPastSla: exceptions.filter((i) => i.pastSla).length,
    },
  };
}
