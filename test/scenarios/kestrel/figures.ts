/**
 * The figures of expected.json, section by section, as the systems hold them after the fortnight:
 * read from the fakes' ledgers (what the ERP, the billing platform and the PSA were sent and
 * accepted) and from the store. Each section has one function, and every section is compared.
 */
import type { LedgerEntry } from "../../../src/testing/fake-target.ts";
import type { Store } from "../../../src/runtime/store/store.ts";
import type { KestrelSystems } from "./fakes.ts";
import { erpCost, erpJournals, reconciliation, reversals } from "./correction-figures.ts";
import { blockedThenReleased, creditControl, creditNotes, invoicedByProject, invoices } from "./invoicing-figures.ts";

/** What playing the fortnight left behind. */
export interface Played {
  /** The events as played, by line (index 0 is line 1). */
  lines: readonly { id: string; type: string; time: string; data: Record<string, unknown> }[];
  systems: KestrelSystems;
  store: Store;
}

type Body = Record<string, unknown>;

const bodyOf = (entry: LedgerEntry) => entry.body as Body;

/** The projects the ERP opened, each in the ledger of its legal entity (the path says which). */
function projects(played: Played): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const entry of played.systems.erp.ledger) {
    const ledger = /\/ledgers\/([^/]+)\/projects$/.exec(entry.path);
    if (ledger === null) continue;
    const body = bodyOf(entry);
    out[String(body["projectId"])] = {
      entity: decodeURIComponent(ledger[1] as string),
      clientId: body["clientId"] ?? null,
      billingType: body["billingType"],
      rateCardId: body["rateCardId"] ?? null,
      activatedOn: body["activatedOn"],
      currency: body["currency"],
    };
  }
  return out;
}

/** Each client's tax id and credit status as the billing platform's customer holds them. */
function billingCustomers(played: Played): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const entry of played.systems.billing.ledger) {
    if (!entry.path.endsWith("/customers")) continue;
    const body = bodyOf(entry);
    out[String(body["externalId"])] = { taxId: body["taxId"], creditStatus: body["creditStatus"] };
  }
  return out;
}

/** The ERP journals the integration posted, in the order the ERP accepted them. */
function journals(played: Played): LedgerEntry[] {
  return played.systems.erp.ledger.filter((entry) => entry.path.endsWith("/journals"));
}

/** The billing platform's billable lines. */
function lines(played: Played): LedgerEntry[] {
  return played.systems.billing.ledger.filter((entry) => entry.path.endsWith("/lines"));
}

/** The 1-based line of the first event with this id. */
function lineOf(played: Played, eventId: string): number {
  return played.lines.findIndex((event) => event.id === eventId) + 1;
}

/**
 * Time entries that waited for their project: the events the store settled as waiting for a
 * Project record, the activation whose kept record released them (by its trace), and the journal
 * the ERP gave their posting.
 */
async function waitedForActivation(played: Played): Promise<unknown[]> {
  const trail = await played.store.auditTrail({ limit: 100_000 });
  const keyOf = new Map<string, string>();
  const keyOfTrace = new Map<string, string>();
  for (const entry of trail) {
    if (entry.action !== "event.accepted") continue;
    const key = String((entry.detail as { key: string }).key);
    keyOf.set(entry.subject, key);
    if (entry.traceId !== null) keyOfTrace.set(entry.traceId, key);
  }
  const waited = trail.filter((e) => e.action === "event.waiting" && (e.detail as { entity: string }).entity === "Project");
  return waited.map((entry) => {
    const eventId = keyOf.get(entry.subject) as string;
    const line = lineOf(played, eventId);
    const data = played.lines[line - 1]?.data as { timeEntryId: string; projectId: string };
    const kept = trail.find((e) => e.action === "record.kept" && e.subject === `record:Project:${data.projectId}`);
    const activation = kept?.traceId === null || kept === undefined ? undefined : keyOfTrace.get(kept.traceId);
    const journal = journals(played).find((j) => bodyOf(j)["reference"] === data.timeEntryId);
    return { timeEntryId: data.timeEntryId, projectId: data.projectId, arrivalLine: line, activationLine: activation === undefined ? null : lineOf(played, activation), journalId: journal?.id ?? null };
  });
}

/** Accepted expenses as the ERP and the billing platform hold them: amounts, rates, journals, rebilling. */
function expenses(played: Played): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const rebilled = new Set(lines(played).filter((l) => bodyOf(l)["source"] === "expense").map((l) => String(bodyOf(l)["sourceId"])));
  for (const journal of journals(played)) {
    const body = bodyOf(journal);
    if (body["account"] !== "5200") continue;
    const id = String(body["reference"]);
    out[id] = {
      projectId: body["projectId"],
      originalAmount: body["originalAmount"],
      originalCurrency: body["originalCurrency"],
      rate: body["rate"] ?? null,
      rateDate: body["rateDate"] ?? null,
      amount: body["amount"],
      currency: body["currency"],
      rebilled: rebilled.has(id),
      journalId: journal.id,
    };
  }
  return out;
}

/** The journal id each time entry shows in the PSA (R10): the last one the integration delivered to it. */
function journalsShownInPsa(played: Played): Map<string, unknown> {
  const shown = new Map<string, unknown>();
  for (const entry of played.systems.psa.ledger) {
    const entryId = /\/time-entries\/([^/]+)\/journal$/.exec(entry.path)?.[1];
    if (entryId !== undefined) shown.set(decodeURIComponent(entryId), bodyOf(entry)["journalId"] ?? null);
  }
  return shown;
}

/**
 * Each time entry as posted: the last labour journal for it and the value of its live billable
 * line (null when it has none) and the journal id the PSA shows (R10); an entry whose posting was voided is shown voided, at the void's
 * version, with nothing posted.
 */
async function timeEntries(played: Played): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  const shown = journalsShownInPsa(played);
  const removed = new Set(played.systems.billing.ledger.filter((e) => e.method === "DELETE").map((e) => e.id));
  const live = lines(played).filter((l) => bodyOf(l)["source"] === "time" && !removed.has(l.id));
  const billable = new Map(live.map((l) => [String(bodyOf(l)["sourceId"]), bodyOf(l)["amount"]]));
  for (const journal of journals(played)) {
    const body = bodyOf(journal);
    if (body["account"] !== "5100") continue;
    const id = String(body["reference"]);
    const posting = await played.store.findPosting("time-posting", id, "erp");
    if (posting?.withdrawn === "voided") {
      out[id] = { projectId: body["projectId"], version: posting.version, state: "voided", hours: null, currency: body["currency"], cost: null, billable: null, journalId: shown.get(id) ?? null };
      continue;
    }
    out[id] = {
      projectId: body["projectId"],
      version: body["version"],
      state: "posted",
      hours: body["hours"],
      currency: body["currency"],
      cost: body["amount"],
      billable: billable.get(id) ?? null,
      journalId: shown.get(id) ?? null,
    };
  }
  return out;
}

/** What a figure gives: the section as the systems hold it. */
export type Figure = (played: Played) => unknown;

/** The sections compared whole, each computed from what the systems hold. */
export const FIGURES: Readonly<Record<string, Figure>> = {
  events: (played) => played.lines.length,
  projects,
  billingCustomers,
  waitedForActivation,
  expensesNotSentToErp,
  staleVersionsIgnored,
  conflicts,
  blockedThenReleased,
  duplicatesIgnored,
  creditNotes,
  expenses,
  reversals,
  erpCost,
  erpJournals,
  reconciliation,
  billing: (played) => invoicedByProject(played, Object.fromEntries(Object.entries(projects(played)).map(([id, p]) => [id, String((p as Item)["currency"])]))),
  timeEntries,
  // The entries that show a journal id in the PSA (R10): a voided entry's is cleared.
  journalIdsWrittenBack: (played) => [...journalsShownInPsa(played).values()].filter((id) => id !== null).length,
};

/**
 * Sections compared once both sides are put in one shape: invoices by their id (the order they
 * were issued in is free), and the exception queues the oracle lists.
 */
export interface ShapedFigure {
  figure: Figure;
  /** The expected section, cut to the part compared; the same cut is applied to the figure. */
  part(expected: Record<string, unknown>, section: Record<string, Record<string, unknown>>): Record<string, unknown>;
}

type Item = Record<string, unknown>;

/** The events the runtime ignored because their record's version was stale or already posted, with their line. */
async function ignoredVersions(played: Played, standing: "stale" | "duplicate") {
  const trail = await played.store.auditTrail();
  const keys = new Map(trail.filter((r) => r.action === "event.accepted").map((r) => [r.subject, String((r.detail as Body)["key"])]));
  return trail.flatMap((r) => {
    const ignored = (r.detail as Body)["ignoredVersion"] as { standing: string; identity: string; version: unknown; posted: unknown } | undefined;
    if (r.action !== "event.skipped" || ignored?.standing !== standing) return [];
    const eventId = keys.get(r.subject) ?? "";
    return [{ line: played.lines.findIndex((l) => l.id === eventId) + 1, eventId, identity: ignored.identity, version: ignored.version, posted: ignored.posted }];
  });
}

/** Versions of time entries ignored because a higher one was already posted (R7d). */
async function staleVersionsIgnored(played: Played): Promise<unknown[]> {
  const stale = await ignoredVersions(played, "stale");
  return stale.map((s) => ({ line: s.line, eventId: s.eventId, timeEntryId: s.identity, version: s.version, currentVersion: s.posted }));
}

/** What an event is about, as expected.json names it: a time entry, or a project's milestone. */
function subjectOf(data: Body): string {
  if (data["timeEntryId"] !== undefined) return String(data["timeEntryId"]);
  if (data["milestoneId"] !== undefined) return `${String(data["projectId"])}/${String(data["milestoneId"])}`;
  return String(data["expenseId"] ?? data["projectId"] ?? data["clientId"]);
}

/**
 * Events that changed nothing: redeliveries the intake recognised (audited as duplicates of the
 * event they repeat), and same-version repeats of a posted time entry, each with the line of the
 * event whose posting it repeats.
 */
async function duplicatesIgnored(played: Played): Promise<unknown[]> {
  const trail = await played.store.auditTrail();
  // The events a write-back announces share the trace of the event whose delivery wrote it back: each trace's offered event is the one read.
  const offered = (r: (typeof trail)[number]) => r.action === "event.accepted" && !String((r.detail as Body)["source"]).startsWith("canonical:");
  const keyByTrace = new Map(trail.filter(offered).map((r) => [r.traceId, String((r.detail as Body)["key"])]));
  const lineOf = (id: string, after = 0) => played.lines.findIndex((l, i) => i >= after && l.id === id) + 1;
  const seen = new Map<string, number>();
  const out: { line: number }[] = [];
  for (const r of trail.filter((e) => e.action === "event.duplicate")) {
    const key = String((r.detail as Body)["key"]);
    const first = lineOf(key);
    const line = lineOf(key, seen.get(key) ?? first);
    seen.set(key, line);
    out.push({ line, eventId: key, kind: "redelivery", subjectId: subjectOf(played.lines[line - 1]?.data ?? {}), duplicateOfLine: first } as { line: number });
  }
  for (const d of await ignoredVersions(played, "duplicate")) {
    const posted = trail.find((r) => r.action === "posting.recorded" && r.subject.includes(`:${d.identity}:`) && (r.detail as Body)["version"] === d.version);
    const original = keyByTrace.get(posted?.traceId ?? null) ?? "";
    out.push({ line: d.line, eventId: d.eventId, kind: "same-version", subjectId: d.identity, duplicateOfLine: lineOf(original) } as { line: number });
  }
  return out.sort((a, b) => a.line - b.line);
}

/** The expense-review queue: each declared rejection of an expense, with its project, reason code and standing. */
async function expenseReview(played: Played): Promise<Record<string, unknown>> {
  const issues = await played.store.listIssues({ queue: "expense-review" });
  const items = issues.map((issue) => {
    const data = ((issue.payload as Body)["data"] ?? {}) as Body;
    return { subjectId: data["expenseId"], projectId: data["projectId"], reasonCode: issue.reasonCode, status: issue.status === "open" ? "open" : "resolved" };
  });
  return { "expense-review": items };
}

/** Expenses held in expense-review of which no request reached the ERP (R6), counted on the ERP's ledger. */
async function expensesNotSentToErp(played: Played): Promise<unknown[]> {
  const rejected = ((await expenseReview(played))["expense-review"] as { subjectId: unknown }[]).map((item) => String(item.subjectId));
  const sent = new Set(played.systems.erp.ledger.map((entry) => JSON.stringify(entry.body)));
  return rejected.filter((id) => ![...sent].some((body) => body.includes(`"${id}"`)));
}

/** The store's sentence for an event whose idempotency key (here the event id) came again with other content. */
const KEY_CONFLICT = /^the idempotency key (.+) arrived again with a different payload$/;

/** The conflicts the store filed (R8), each with the event it repeats as the store keeps it. */
async function keyConflicts(played: Played) {
  const issues = (await played.store.listIssues()).filter((issue) => KEY_CONFLICT.test(issue.reason));
  return Promise.all(issues.map(async (issue) => ({ issue, first: (await played.store.issueSubject(issue.id))?.source?.payload as Body | undefined })));
}

/** The integration-support queue: the event-id conflicts, keyed by the event id the route uses as its key. */
async function integrationSupport(played: Played): Promise<unknown[]> {
  return (await keyConflicts(played)).map(({ issue }) => ({
    subjectId: KEY_CONFLICT.exec(issue.reason)?.[1],
    timeEntryId: ((issue.payload as Body)["data"] as Body)["timeEntryId"],
    reasonCode: "event-id-conflict",
    status: issue.status === "open" ? "open" : "resolved",
  }));
}

/** The exception queues this spec set fills: expense-review (declared rejections) and integration-support (conflicts). */
async function exceptionQueues(played: Played): Promise<Record<string, unknown>> {
  return { ...(await expenseReview(played)), ...(await creditControl(played)), "integration-support": await integrationSupport(played) };
}

/** Each conflict (R8): where the repeated event and its first delivery stand in the file, and the data fields that differ. */
async function conflicts(played: Played): Promise<unknown[]> {
  const lineOf = (payload: unknown) => played.lines.findIndex((line) => JSON.stringify(line) === JSON.stringify(payload)) + 1;
  return (await keyConflicts(played)).map(({ issue, first }) => {
    const [now, was] = [((issue.payload as Body)["data"] ?? {}) as Body, (first?.["data"] ?? {}) as Body];
    const fields = [...new Set([...Object.keys(was), ...Object.keys(now)])].filter((key) => JSON.stringify(was[key]) !== JSON.stringify(now[key]));
    return { line: lineOf(issue.payload), eventId: KEY_CONFLICT.exec(issue.reason)?.[1], firstLine: lineOf(first), subjectId: now["timeEntryId"], reasonCode: "event-id-conflict", differingFields: fields };
  });
}

export const SHAPED_FIGURES: Readonly<Record<string, ShapedFigure>> = {
  invoices: {
    figure: invoices,
    // Every field of every invoice, time-and-materials ones built from the lines left after corrections (R7, R12).
    part: (_expected, section) => Object.fromEntries(Object.values(section).map((invoice) => [String(invoice["invoiceId"]), invoice])),
  },
  exceptions: {
    figure: exceptionQueues,
    part: (_expected, section) => ({ "expense-review": section["expense-review"], "credit-control": section["credit-control"], "integration-support": section["integration-support"] }),
  },
};
