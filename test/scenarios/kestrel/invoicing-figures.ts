/**
 * Kestrel's invoicing figures: the invoices the billing platform received, the invoices held in
 * credit-control by a credit hold and released when it lifted, and the credit notes applied to
 * invoices' receivables in the ERP.
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

/** The invoices issued, as the billing platform received them, with their line counts. */
export function invoices(played: Played): unknown[] {
  return invoicesSent(played).map(({ lines, milestoneId: _milestone, ...invoice }) => ({ ...invoice, lineCount: Array.isArray(lines) ? lines.length : 0 }));
}

/** What an invoice is compared on while its issue date and its standing in the receivables are not built. */
export const INVOICE_FIELDS = ["invoiceId", "projectId", "clientId", "kind", "amount", "currency", "lineCount", "clientTaxId"] as const;

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
const cents = (amount: unknown) => Math.round(Number(amount) * 100);
const money = (value: number) => (value / 100).toFixed(2);

/**
 * What each project was invoiced (R14): over its issued invoices, the amounts invoiced, the credit
 * notes applied to them in the ERP, and the net. `projectIds` names every project, invoiced or not.
 */
export function invoicedByProject(played: Played, projectIds: readonly string[]): Record<string, Body> {
  const sent = invoicesSent(played);
  const credited = new Map<string, number>();
  for (const note of creditNotes(played) as Body[]) credited.set(String(note["invoiceId"]), (credited.get(String(note["invoiceId"])) ?? 0) + cents(note["amount"]));
  const out: Record<string, Body> = {};
  for (const projectId of projectIds) {
    const own = sent.filter((invoice) => invoice["projectId"] === projectId);
    const invoiced = own.reduce((sum, invoice) => sum + cents(invoice["amount"]), 0);
    const credit = own.reduce((sum, invoice) => sum + (credited.get(String(invoice["invoiceId"])) ?? 0), 0);
    out[projectId] = { invoiced: money(invoiced), credited: money(credit), netInvoiced: money(invoiced - credit) };
  }
  return out;
}
