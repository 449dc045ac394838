/**
 * The numbers a played month is judged by: events, postings per system, invoices, exceptions,
 * dead letters, reconciliation gaps against the gaps the month was seeded with, events lost
 * (accepted but accounted nowhere) and effects applied twice.
 */
import type { Gap } from "../ops/reconcile/engine.ts";
import { type CreditHoldSummary, creditHoldOf, creditHoldSummary } from "./credit-hold.ts";
import type { MonthRun } from "./play.ts";

const withHold = (hold: CreditHoldSummary | undefined) => (hold === undefined ? {} : { creditHold: hold });

/** The demo's summary; `spec demo --json` prints it as its last line. */
export interface DemoSummary {
  seed: number;
  events: number;
  accepted: number;
  duplicatesIgnored: number;
  conflicts: number;
  postings: Record<string, number>;
  invoices: number;
  payments: number;
  exceptions: { open: number; resolved: number };
  deadLettered: number;
  reconciliationGaps: number;
  seededGaps: number;
  unexpectedGaps: string[];
  missedGaps: string[];
  /** The client credit control held during the month: its invoices blocked while on hold, and released when the hold was lifted. */
  creditHold?: CreditHoldSummary;
  /** Reconciliations run through the live path (the simulators' list endpoints), with the records each source read. */
  liveReconciliations: Record<string, Record<string, number>>;
  lost: number;
  duplicatePostings: number;
  misbehaviour: Record<string, Record<string, number>>;
  eventsPerSecond: number;
  playedMs: number;
  settled: boolean;
}

/** The subject a gap is about, in the month's terms: `project:<id>:<period>` or `invoice:<projectId>:<period>`. */
export function gapSubject(gap: Gap, run: Pick<MonthRun, "simulators" | "month">): string {
  if (gap.group["projectId"] !== undefined) return `project:${gap.group["projectId"]}:${gap.period ?? run.month.period}`;
  const invoiceId = gap.group["invoiceId"];
  const invoice = invoiceId === undefined ? undefined : run.simulators.billing.invoices.get(invoiceId);
  const project = invoice?.["subscription_id"] ?? invoiceId ?? "(none)";
  return `invoice:${String(project)}:${gap.period ?? run.month.period}`;
}

/** Summarises a played month. */
export async function summarise(run: MonthRun): Promise<DemoSummary> {
  const counts = await run.store.counts();
  const issues = await run.store.listIssues();
  const exceptions = issues.filter((i) => i.kind === "exception");
  const stats = run.simulators.stats();
  const postings: Record<string, number> = {};
  const misbehaviour: Record<string, Record<string, number>> = {};
  for (const s of stats) {
    postings[s.system] = Object.values(s.postings).reduce((a, b) => a + b, 0);
    misbehaviour[s.system] = { throttled: s.outcomes.throttled, errors: s.outcomes.errors, outage: s.outcomes.outage, slow: s.outcomes.slow, answersLost: s.outcomes.lost, replayed: s.outcomes.replayed };
  }
  const live: Record<string, Record<string, number>> = {};
  for (const kept of await run.store.reconciliationRuns({ limit: 1000 })) {
    if (kept.outcome === "completed" && live[kept.reconciliation] === undefined) live[kept.reconciliation] = kept.records;
  }
  const found = new Set(run.reconciler.latest().flatMap((r) => r.gaps.map((g) => gapSubject(g, run))));
  const seeded = new Set(run.month.seededGaps.map((g) => g.subject));
  // Events the intake acknowledged (webhooks sent and polled) must each be in the inbox: count the
  // audited acceptances of events from the systems (canonical events emitted by routes are not).
  const audit = await run.store.auditTrail({ limit: 10_000_000 });
  const storedEvents = audit.filter((r) => r.action === "event.accepted" && !String((r.detail as { source?: string } | null)?.source ?? "").startsWith("canonical:")).length;
  const unsettled =
    (counts.events["pending"] ?? 0) + (counts.events["processing"] ?? 0) + (counts.events["waiting"] ?? 0) + (counts.deliveries["pending"] ?? 0) + (counts.deliveries["processing"] ?? 0);
  return {
    seed: run.month.seed,
    events: run.sent.sent,
    accepted: run.sent.accepted,
    duplicatesIgnored: run.sent.duplicates,
    conflicts: run.sent.conflicts,
    postings,
    invoices: run.simulators.billing.invoices.size,
    payments: run.simulators.billing.transactions.length,
    exceptions: { open: exceptions.filter((i) => i.status === "open").length, resolved: exceptions.filter((i) => i.status !== "open").length },
    deadLettered: issues.filter((i) => i.kind === "dead-letter").length,
    reconciliationGaps: found.size,
    seededGaps: seeded.size,
    unexpectedGaps: [...found].filter((s) => !seeded.has(s)).sort(),
    missedGaps: [...seeded].filter((s) => !found.has(s)).sort(),
    liveReconciliations: live,
    ...withHold(creditHoldSummary(creditHoldOf(run.month), audit)),
    // Accepted by intake but absent from the store, plus anything the runtime never settled.
    lost: Math.max(0, run.sent.accepted + run.polled.accepted - storedEvents) + unsettled,
    duplicatePostings: stats.reduce((n, s) => n + s.duplicatePostings, 0),
    misbehaviour,
    eventsPerSecond: Math.round((run.sent.sent / Math.max(1, run.playedMs)) * 1000),
    playedMs: run.playedMs,
    settled: run.settled,
  };
}
