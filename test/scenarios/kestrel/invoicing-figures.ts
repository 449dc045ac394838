/**
 * Kestrel's invoicing figures: the invoices the billing platform received and their standing in
 * the ERP's receivables, the invoices held in credit-control by a credit hold and released when
 * it lifted, the credit notes applied to invoices' receivables in the ERP, and what each project
 * billed and invoiced.
 */
import type { LedgerEntry } from "../../../src/testing/fake-target.ts";
import type { Played } from "./figures.ts";

type Body = Record<string, unknown>;

const bodyOf = (entry: LedgerEntry) => entry.body as Body;

/** The invoices the billing platform was asked to create, by the project and milestone they bill. */
function invoicesSent(played: Played): Body[] {
  return played.systems.billing.ledger.filter((entry) => entry.path.endsWith("/invoices")).map(bodyOf);
}

/** The invoice a held milestone event became, found in the billing platform by its project and milestone. */
function heldInvoice(played: Played, payload: unknown): Body | undefined {
  const data = ((payload as Body)["data"] ?? {}) as Body;
  return invoicesSent(played).find((invoice) => invoice["projectId"] === data["projectId"] && invoice["milestoneId"] === data["milestoneId"]);
}

/** What was applied to each invoice's receivable in the ERP, in cents, by kind (`credit-notes`, `payments`) and invoice. */
function appliedToReceivables(played: Played): Map<string, number> {
  const applied = new Map<string, number>();
  for (const entry of played.systems.erp.ledger) {
    const found = /\/receivables\/([^/]+)\/(credit-notes|payments)$/.exec(entry.path);
    if (found === null) continue;
    const id = `${found[2]}\u0000${decodeURIComponent(found[1] as string)}`;
    applied.set(id, (applied.get(id) ?? 0) + cents(bodyOf(entry)["amount"]));
  }
  return applied;
}

/**
 * The invoices issued, as the billing platform received them: their line counts, the day the
 * billing platform issued them (R16), and their standing in the ERP's receivables after credit
 * notes and payments (R11): `paid` when nothing is open, `part-paid` when something was applied
 * and some is open, otherwise `open`.
 */
export function invoices(played: Played): unknown[] {
  const applied = appliedToReceivables(played);
  return played.systems.billing.ledger
    .filter((entry) => entry.path.endsWith("/invoices"))
    .map((entry) => {
      const { lines, milestoneId: _milestone, periodEnd: _periodEnd, ...invoice } = bodyOf(entry);
      const id = String(invoice["invoiceId"]);
      const [credited, paid] = [applied.get(`credit-notes\u0000${id}`) ?? 0, applied.get(`payments\u0000${id}`) ?? 0];
      const open = cents(invoice["amount"]) - credited - paid;
      const status = open === 0 ? "paid" : credited + paid > 0 ? "part-paid" : "open";
      const issuedOn = new Date(entry.at).toISOString().slice(0, 10);
      return { ...invoice, lineCount: Array.isArray(lines) ? lines.length : 0, issuedOn, credited: money(credited), paid: money(paid), open: money(open), status };
    });
}

/** The credit notes applied to invoices' receivables in the ERP (R11), the invoice taken from the receivable's path. */
export function creditNotes(played: Played): unknown[] {
  return played.systems.erp.ledger.flatMap((entry) => {
    const receivable = /\/receivables\/([^/]+)\/credit-notes$/.exec(entry.path);
    if (receivable === null) return [];
    const body = bodyOf(entry);
    return [{ creditNoteId: body["creditNoteId"], invoiceId: decodeURIComponent(receivable[1] as string), amount: body["amount"], currency: body["currency"] }];
  });
}

/** The credit-control queue (R13): each invoice held for its client's credit hold, with the hold's reason and its standing. */
export async function creditControl(played: Played): Promise<Record<string, unknown>> {
  const issues = await played.store.listIssues({ queue: "credit-control" });
  const items = issues.map((issue) => {
    const invoice = heldInvoice(played, issue.payload);
    const reason = issue.reason.startsWith(`${issue.reasonCode}: `) ? issue.reason.slice(`${issue.reasonCode}: `.length) : issue.reason;
    return { subjectId: invoice?.["invoiceId"], clientId: invoice?.["clientId"], status: issue.status === "open" ? "open" : "resolved", reasonCode: issue.reasonCode, reason };
  });
  return { "credit-control": items };
}

/** Invoices held by a credit hold and issued when it lifted (R13): the days of the rejection and of its release, from the audit trail. */
export async function blockedThenReleased(played: Played): Promise<unknown[]> {
  const trail = await played.store.auditTrail();
  const day = (at: number | undefined) => (at === undefined ? undefined : new Date(at).toISOString().slice(0, 10));
  const issues = await played.store.listIssues({ queue: "credit-control" });
  return issues
    .filter((issue) => issue.status !== "open")
    .map((issue) => {
      const subject = `event:${issue.eventId}`;
      const invoice = heldInvoice(played, issue.payload);
      const blocked = trail.find((row) => row.subject === subject && row.action === "event.rejected");
      const released = trail.find((row) => row.subject === subject && row.action === "event.released");
      return { invoiceId: invoice?.["invoiceId"], clientId: invoice?.["clientId"], reasonCode: issue.reasonCode, blockedOn: day(blocked?.at), releasedOn: day(released?.at) };
    });
}

/** Cents of a decimal string, so sums do not drift. */
function cents(amount: unknown): number {
  return Math.round(Number(amount) * 100);
}

/** Cents as a decimal string. */
function money(value: number): string {
  return (value / 100).toFixed(2);
}

/**
 * What each project billed and was invoiced: its billable lines on the billing platform by kind,
 * the part of them on issued invoices and the rest (R12); over its issued invoices, the amounts
 * invoiced, the credit notes applied to them in the ERP, and the net (R11). `projects` gives every
 * project's currency, invoiced or not.
 */
export function invoicedByProject(played: Played, projects: Readonly<Record<string, string>>): Record<string, Body> {
  const sent = invoicesSent(played);
  // The lines the billing platform holds: those added, less those a correction withdrew (DELETE).
  const withdrawn = new Set(played.systems.billing.ledger.filter((entry) => entry.method === "DELETE").map((entry) => entry.id));
  const lines = played.systems.billing.ledger.filter((entry) => entry.path.endsWith("/lines") && entry.method !== "DELETE" && !withdrawn.has(entry.id)).map(bodyOf);
  const sum = (items: readonly Body[]) => items.reduce((total, item) => total + cents(item["amount"]), 0);
  const credited = new Map<string, number>();
  for (const note of creditNotes(played) as Body[]) credited.set(String(note["invoiceId"]), (credited.get(String(note["invoiceId"])) ?? 0) + cents(note["amount"]));
  const out: Record<string, Body> = {};
  for (const [projectId, currency] of Object.entries(projects)) {
    const own = sent.filter((invoice) => invoice["projectId"] === projectId);
    const invoiced = sum(own);
    const credit = own.reduce((total, invoice) => total + (credited.get(String(invoice["invoiceId"])) ?? 0), 0);
    const billable = lines.filter((line) => line["projectId"] === projectId);
    const [time, expenses] = [sum(billable.filter((l) => l["source"] === "time")), sum(billable.filter((l) => l["source"] === "expense"))];
    const onInvoices = sum(own.filter((invoice) => invoice["kind"] === "time-and-materials").flatMap((invoice) => (invoice["lines"] ?? []) as Body[]));
    out[projectId] = {
      currency,
      billableTime: money(time),
      billableExpenses: money(expenses),
      billableNet: money(time + expenses),
      billableInvoiced: money(onInvoices),
      unbilled: money(time + expenses - onInvoices),
      invoiced: money(invoiced),
      credited: money(credit),
      netInvoiced: money(invoiced - credit),
    };
  }
  return out;
}
