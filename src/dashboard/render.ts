/**
 * The dashboard's pages, rendered on the server from an operational snapshot: health per system,
 * backlog and lag per route, the dead-letter and exception queues with their actions (reconciliation
 * gaps among the exceptions, skipped or left to close by themselves),
 * reconciliation status with its gaps, SLA breaches and the business measures; and the trace of
 * one source event to every downstream posting.
 */
import type { AuditEntry } from "../runtime/store/store.ts";
import { distinctGaps } from "../ops/gap-names.ts";
import { gapVerdict, sidesText } from "../ops/reconcile/gap-text.ts";
import type { MeasureValue } from "../ops/measures.ts";
import type { IssueView, OpsSnapshot } from "../ops/snapshot.ts";
import { html, page, type Raw } from "./html.ts";

const ms = (value: number | null): string => (value === null ? "–" : value < 1000 ? `${Math.round(value)} ms` : `${(value / 1000).toFixed(1)} s`);
const pct = (value: number | null): string => (value === null ? "–" : `${(value * 100).toFixed(1)}%`);
const sum = (record: Record<string, number>): number => Object.values(record).reduce((a, b) => a + b, 0);

function tile(label: string, value: number | string, metric: string, tone = "", title = ""): Raw {
  return html`<div class="tile" title="${title}"><span>${label}</span><b class="${tone}" data-metric="${metric}">${value}</b></div>`;
}

/**
 * What an issue's payload is: a delivery's holds the request built for its target (an edit
 * replaces that request and sends it again), an event's the source payload (an edit routes it again).
 */
function subjectLabel(i: IssueView): string {
  return i.deliveryId === null ? "source payload (edit routes the event again)" : `target request of delivery ${i.deliveryId} (edit sends it again)`;
}

/** One open issue: an event's can be retried, edited and replayed, skipped, traced; a gap's only skipped. */
function issueRow(i: IssueView, gapNames: Readonly<Record<string, string>>): Raw {
  const sla = html`<td class="${i.pastSla ? "bad" : ""}">${i.pastSla ? "past SLA" : ""}</td>`;
  const payload = JSON.stringify(i.payload, null, 2);
  if (i.gap !== null) {
    return html`<tr data-issue="${i.id}" data-gap="${i.gap.reconciliation}"><td>${i.id}</td><td>${i.queue}</td><td>${i.owner}</td><td>${i.route}</td>
<td><b>${gapNames[i.gap.key] ?? i.gap.key}</b>: ${i.reason}<details><summary>differing values</summary><pre>${payload}</pre></details></td>${sla}
<td><button data-action="skip" data-id="${i.id}">skip</button> <span title="a gap holds no event: it closes by itself once the systems agree">closes when the systems agree</span></td></tr>`;
  }
  return html`<tr data-issue="${i.id}"><td>${i.id}</td><td>${i.queue}</td><td>${i.owner}</td><td>${i.route}</td>
<td>${i.reason}<details><summary>${subjectLabel(i)}</summary><textarea rows="6" data-payload="${i.id}">${payload}</textarea></details></td>${sla}
<td><button data-action="retry" data-id="${i.id}">retry</button><button data-action="edit" data-id="${i.id}">${i.deliveryId === null ? "edit & replay" : "edit & send again"}</button><button data-action="skip" data-id="${i.id}">skip</button>
<a href="/trace?event=${i.eventId}">trace</a></td></tr>`;
}

function issueRows(issues: readonly IssueView[], kind: string, gapNames: Readonly<Record<string, string>>): Raw {
  const open = issues.filter((i) => i.status === "open");
  if (open.length === 0) return html`<p class="ok">No open ${kind}.</p>`;
  return html`<table><tr><th>#</th><th>queue</th><th>owner</th><th>route or reconciliation</th><th>reason</th><th>age</th><th>actions</th></tr>${open.slice(0, 200).map(
    (i) => issueRow(i, gapNames),
  )}</table>${open.length > 200 ? html`<p>${open.length - 200} more not shown.</p>` : html``}`;
}

/** A declared business measure as a tile: a latency's median, or a count; red past its objective. */
function measureTile(m: MeasureValue): Raw {
  const value = m.kind === "latency" ? ms(m.p50Ms) : m.count;
  const label = m.kind === "latency" ? `${m.name} p50` : m.name;
  return tile(label, value, `measure-${m.route}-${m.name}`, m.breached ? "bad" : "", `${m.description} (route ${m.route}${m.objective === null ? "" : `; objective: ${m.objective}`})`);
}

/** The overview page. */
export function renderOverview(s: OpsSnapshot, title: string, csrf: string): string {
  const openExceptions = s.exceptions.filter((i) => i.status === "open").length;
  const resolvedExceptions = s.exceptions.length - openExceptions;
  const openDead = s.deadLetters.filter((i) => i.status === "open").length;
  // A disagreement two reconciliations both find (a project's time neither costed nor billed) is one gap.
  const gaps = distinctGaps(s.reconciliations.flatMap((r) => r.gaps));
  const body = html`<main>
<section class="wide"><h2>At a glance</h2><div class="tiles">
${tile("events", sum(s.counts.events), "events")}${tile("routed", s.counts.events["routed"] ?? 0, "events-routed")}
${tile("deliveries delivered", s.counts.deliveries["delivered"] ?? 0, "deliveries-delivered")}
${tile("deliveries pending", (s.counts.deliveries["pending"] ?? 0) + (s.counts.deliveries["processing"] ?? 0), "deliveries-pending")}
${tile("exceptions open", openExceptions, "exceptions-open", openExceptions > 0 ? "warn" : "ok")}${tile("exceptions resolved", resolvedExceptions, "exceptions-resolved")}
${tile("dead letters", openDead, "dead-letters", openDead > 0 ? "bad" : "ok")}${tile("reconciliation gaps", gaps, "reconciliation-gaps", gaps > 0 ? "warn" : "ok")}
${s.business.measures.map((m) => measureTile(m))}
${tile("exceptions past SLA", s.business.exceptionsPastSla, "exceptions-past-sla", s.business.exceptionsPastSla > 0 ? "bad" : "ok")}
</div></section>
<section><h2>Systems</h2><table><tr><th>system</th><th>circuit</th><th>headroom</th><th>error rate</th><th>attempts</th><th>latency</th></tr>
${s.systems.map(
  (x) => html`<tr data-system="${x.system}"><td>${x.system}</td><td class="${x.circuit === "open" ? "bad" : x.circuit === "half-open" ? "warn" : "ok"}">${x.circuit}${x.breakerOpened > 0 ? ` (opened ${x.breakerOpened}×)` : ""}</td>
<td class="n">${pct(x.rateLimitHeadroom)}</td><td class="n">${pct(x.errorRate)}</td><td class="n">${x.attempts}</td><td class="n">${x.latency === null ? "–" : `${x.latency.meanMs} / ${x.latency.maxMs} ms`}</td></tr>`,
)}</table></section>
<section><h2>Routes</h2><table><tr><th>route</th><th>accepted</th><th>backlog</th><th>lag</th><th>p50</th><th>p90</th><th>SLA breaches</th></tr>
${s.routes.map(
  (r) => html`<tr data-route="${r.route}"><td>${r.route}</td><td class="n">${r.accepted}</td><td class="n">${r.open}</td><td class="n">${ms(r.oldestOpenMs)}</td><td class="n">${ms(r.p50Ms)}</td><td class="n">${ms(r.p90Ms)}</td>
<td class="n ${r.slaBreaches > 0 ? "bad" : ""}">${r.slaBreaches}</td></tr>`,
)}</table></section>
<section class="wide"><h2>Reconciliation</h2><table><tr><th>reconciliation</th><th>groups</th><th>gaps</th><th>ran</th></tr>
${s.reconciliations.map(
  (r) => html`<tr><td>${r.reconciliation}</td><td class="n">${r.groups}</td><td class="n ${r.gaps.length > 0 ? "warn" : "ok"}">${r.gaps.length}</td><td>${new Date(r.ranAt).toISOString()}</td></tr>
${r.gaps.map(
  (g) => html`<tr class="gap" data-gap-key="${g.key}"><td colspan="4"><details><summary><b>${s.gapNames[g.key] ?? g.key}</b> <span class="muted">${g.key}</span>: ${gapVerdict(g)} (${sidesText(g)}) → ${g.queue} (${g.owner})</summary>
<pre>${JSON.stringify(g.sides.map((x) => ({ source: x.source, count: x.count, records: x.records.slice(0, 5), ...(x.unmeasuredRecords === undefined ? {} : { notMeasured: x.unmeasuredRecords.slice(0, 5) }) })), null, 2)}</pre></details></td></tr>`,
)}`,
)}</table></section>
<section class="wide"><h2>Exception queues</h2>${issueRows(s.exceptions, "exceptions", s.gapNames)}</section>
<section class="wide"><h2>Dead letters</h2>${issueRows(s.deadLetters, "dead letters", s.gapNames)}</section>
</main>`;
  return page(title, body, csrf);
}

/** The trace of one source event: every audited step and posting downstream of it. */
export function renderTrace(traceId: string, rows: readonly AuditEntry[], title: string, csrf: string): string {
  const body = html`<main><section class="wide"><h2>Trace ${traceId}</h2>
${rows.length === 0 ? html`<p>No audit rows for this trace.</p>` : html``}
<table><tr><th>at</th><th>action</th><th>subject</th><th>actor</th><th>detail</th></tr>
${rows.map(
  (r) => html`<tr data-action-row="${r.action}"><td>${new Date(r.at).toISOString()}</td><td>${r.action}</td><td>${r.subject}</td><td>${r.actor}</td><td><code>${JSON.stringify(r.detail)}</code></td></tr>`,
)}</table></section></main>`;
  return page(`${title}: trace`, body, csrf);
}
