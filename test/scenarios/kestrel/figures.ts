/**
 * The figures of expected.json, section by section, as the systems hold them after the fortnight:
 * read from the fakes' ledgers (what the ERP, the billing platform and the PSA were sent and
 * accepted) and from the store. Each section has one function; a section no function gives yet is
 * named in AWAITING_CORRECTIONS with the reason.
 */
import type { LedgerEntry } from "../../../src/testing/fake-target.ts";
import type { Store } from "../../../src/runtime/store/store.ts";
import type { KestrelSystems } from "./fakes.ts";
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

/** Each time entry as posted: the last labour journal for it, its billable line's value (null when it has none), and the journal id the PSA shows. */
function timeEntries(played: Played): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const shown = journalsShownInPsa(played);
  const billable = new Map(lines(played).filter((l) => bodyOf(l)["source"] === "time").map((l) => [String(bodyOf(l)["sourceId"]), bodyOf(l)["amount"]]));
  for (const journal of journals(played)) {
    const body = bodyOf(journal);
    if (body["account"] !== "5100") continue;
    const id = String(body["reference"]);
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
};

/**
 * Sections compared in part, and how the part is chosen from expected.json itself: what the
 * corrections (reversals, stale and repeated versions) touch is left to them. Journal numbers
 * after the ERP's first reversal shift with the reversals, so the journal id of a record is
 * compared only when the ERP gave it before then; a voided entry clears the journal id it shows in
 * the PSA only once the corrections void it, so journalIdsWrittenBack counts the entries the
 * corrections leave posted.
 */
export interface PartialFigure {
  figure: Figure;
  /** The expected section, cut to the part compared; the same cut is applied to the figure. */
  part(expected: Record<string, unknown>, section: Record<string, Record<string, unknown>>): Record<string, unknown>;
}

type Item = Record<string, unknown>;

const journalNumber = (id: unknown) => (typeof id === "string" && /^KJ-[0-9]+$/.test(id) ? Number(id.slice(3)) : Number.POSITIVE_INFINITY);

/** The number of the ERP's first reversal journal: journals numbered from it on depend on the corrections. */
function firstCorrection(expected: Record<string, unknown>): number {
  const reversals = (expected["reversals"] ?? []) as { reversalJournalId: string }[];
  return Math.min(...reversals.map((r) => journalNumber(r.reversalJournalId)));
}

/** Time entries the corrections touch: reversed, stale, repeated or in conflict. */
function corrected(expected: Record<string, unknown>): Set<string> {
  const ids = new Set<string>();
  for (const r of (expected["reversals"] ?? []) as { timeEntryId: string }[]) ids.add(r.timeEntryId);
  for (const r of (expected["staleVersionsIgnored"] ?? []) as { timeEntryId: string }[]) ids.add(r.timeEntryId);
  for (const r of (expected["duplicatesIgnored"] ?? []) as { kind: string; subjectId: string }[]) if (r.kind === "same-version") ids.add(r.subjectId);
  return ids;
}

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

export const PARTIAL_FIGURES: Readonly<Record<string, PartialFigure>> = {
  billing: {
    figure: (played) => invoicedByProject(played, Object.fromEntries(Object.entries(projects(played)).map(([id, p]) => [id, String((p as Item)["currency"])]))),
    // Every field of a project no correction touches. A project with an amended or voided entry is
    // compared on its currency and, unless an entry of it is voided before its release, on what it
    // was invoiced: its live billable lines are net of the lines the corrections withdraw (R7).
    part(expected, section) {
      const entries = Object.entries(expected["timeEntries"] as Record<string, Item>);
      const touched = new Set(entries.filter(([id]) => corrected(expected).has(id)).map(([, e]) => String(e["projectId"])));
      const voided = new Set(entries.filter(([, e]) => e["state"] === "voided").map(([, e]) => String(e["projectId"])));
      const out: Record<string, unknown> = {};
      for (const [projectId, item] of Object.entries(section)) {
        if (!touched.has(projectId)) out[projectId] = item;
        else if (voided.has(projectId)) out[projectId] = { currency: item["currency"] };
        else out[projectId] = { currency: item["currency"], invoiced: item["invoiced"], credited: item["credited"], netInvoiced: item["netInvoiced"] };
      }
      return out;
    },
  },
  invoices: {
    figure: invoices,
    // Every field of every invoice, but for a time-and-materials invoice of a project with an entry
    // the corrections void: its billable line is withdrawn before the release (R7b, R12).
    part(expected, section) {
      const withVoids = new Set(Object.values(expected["timeEntries"] as Record<string, Item>).filter((e) => e["state"] === "voided").map((e) => String(e["projectId"])));
      const out: Record<string, unknown> = {};
      for (const invoice of Object.values(section)) {
        if (invoice["kind"] === "time-and-materials" && withVoids.has(String(invoice["projectId"]))) continue;
        out[String(invoice["invoiceId"])] = invoice;
      }
      return out;
    },
  },
  exceptions: {
    figure: exceptionQueues,
    part: (_expected, section) => ({ "expense-review": section["expense-review"], "credit-control": section["credit-control"], "integration-support": section["integration-support"] }),
  },
  expenses: {
    figure: expenses,
    part(expected, section) {
      const before = firstCorrection(expected);
      const out: Record<string, unknown> = {};
      for (const [id, item] of Object.entries(section)) {
        const { journalId, ...rest } = item as Item;
        out[id] = journalNumber(journalId) < before ? { ...rest, journalId } : rest;
      }
      return out;
    },
  },
  timeEntries: {
    figure: timeEntries,
    // The journal id an entry shows in the PSA (R10) is compared where the ERP numbered it before
    // its first reversal: later numbers shift with the reversals the corrections post.
    part(expected, section) {
      const skip = corrected(expected);
      const before = firstCorrection(expected);
      const wanted = expected["timeEntries"] as Record<string, Item>;
      const out: Record<string, unknown> = {};
      for (const [id, item] of Object.entries(section)) {
        if (skip.has(id)) continue;
        const { journalId, ...rest } = item as Item;
        out[id] = journalNumber(wanted[id]?.["journalId"]) < before ? { ...rest, journalId } : rest;
      }
      return out;
    },
  },
  journalIdsWrittenBack: {
    figure: (played) => Object.fromEntries([...journalsShownInPsa(played)].filter(([, id]) => id !== null)),
    // Entries showing a journal id in the PSA; a voided entry shows none once the corrections clear it.
    part(expected, section) {
      if (typeof section === "number") return { shown: section };
      const voided = Object.entries(expected["timeEntries"] as Record<string, Item>).filter(([, e]) => e["state"] === "voided").map(([id]) => id);
      return { shown: Object.keys(section).filter((id) => !voided.includes(id)).length };
    },
  },
};

/**
 * Sections not compared yet, and why: each depends on corrections of what was posted (reversals,
 * stale and repeated versions, event-id conflicts). Within the sections compared in part, what
 * still waits on them: KA-P02's invoice and every invoicing figure of it (TE-1043's billable line
 * is withdrawn by its void before the release: 12 lines and 7,113.62 instead of 11 and 6,748.57),
 * the live billable lines of KA-P01 and KA-P04 (the lines of TE-1007 v1 and TE-1024 v1 are
 * withdrawn by their amendments: 1,575.00 and 1,071.00), the journal ids numbered after the first
 * reversal, and the voided entry's journal id cleared in the PSA.
 */
export const AWAITING_CORRECTIONS: Readonly<Record<string, string>> = {
  erpCost: "nets after reversals of amended and voided time",
  reversals: "reversals of amended and voided entries",
  erpJournals: "journal counts including reversals",
  reconciliation: "measures over corrected postings and billable lines",
};
