/** The operational snapshot as terminal text: what `spec status` prints. */
import type { MeasureValue } from "./measures.ts";
import type { OpsSnapshot } from "./snapshot.ts";

const ms = (v: number | null): string => (v === null ? "-" : v < 1000 ? `${Math.round(v)}ms` : `${(v / 1000).toFixed(1)}s`);
const pct = (v: number | null): string => (v === null ? "-" : `${(v * 100).toFixed(1)}%`);

function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length))) ?? [];
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i] ?? 0)).join("  ").trimEnd()).join("\n");
}

/** A measure's value: a latency's median and 90th percentile, or a count. */
function measureValue(m: MeasureValue): string {
  return m.kind === "latency" ? `${ms(m.p50Ms)} / ${ms(m.p90Ms)} (p50/p90, ${m.count} events)` : String(m.count);
}

/** Renders systems, routes, queues, reconciliation and business measures as aligned tables. */
export function statusText(s: OpsSnapshot): string {
  const open = (list: OpsSnapshot["exceptions"]) => list.filter((i) => i.status === "open");
  const byQueue = new Map<string, number>();
  for (const i of [...open(s.exceptions), ...open(s.deadLetters)]) byQueue.set(`${i.kind} ${i.queue}`, (byQueue.get(`${i.kind} ${i.queue}`) ?? 0) + 1);
  const parts = [
    "SYSTEMS",
    table([["system", "circuit", "headroom", "errors", "attempts", "latency"], ...s.systems.map((x) => [x.system, x.circuit, pct(x.rateLimitHeadroom), pct(x.errorRate), String(x.attempts), x.latency === null ? "-" : `${x.latency.meanMs}ms`])]),
    "",
    "ROUTES",
    table([["route", "accepted", "backlog", "lag", "p50", "p90", "sla breaches"], ...s.routes.map((r) => [r.route, String(r.accepted), String(r.open), ms(r.oldestOpenMs), ms(r.p50Ms), ms(r.p90Ms), String(r.slaBreaches)])]),
    "",
    "QUEUES",
    byQueue.size === 0 ? "nothing open" : table([["queue", "open"], ...[...byQueue].sort().map(([q, n]) => [q, String(n)])]),
    "",
    "RECONCILIATION",
    s.reconciliations.length === 0 ? "not run in this process" : table([["reconciliation", "groups", "gaps"], ...s.reconciliations.map((r) => [r.reconciliation, String(r.groups), String(r.gaps.length)])]),
    "",
    "BUSINESS",
    table([
      ["measure", "route", "value", "objective", "what it means"],
      ...s.business.measures.map((m) => [m.breached ? `${m.name} (!)` : m.name, m.route, measureValue(m), m.objective ?? "-", m.description]),
      ["exceptions past SLA", "-", String(s.business.exceptionsPastSla), "-", "Open exceptions older than their queue's SLA"],
    ]),
  ];
  return `${parts.join("\n")}\n`;
}
