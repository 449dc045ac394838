/**
 * The figures of expected.json, section by section, as the systems hold them after the fortnight:
 * read from the fakes' ledgers (what the ERP, the billing platform and the PSA were sent and
 * accepted) and from the store. Each section has one function; a section no function gives yet is
 * named in AWAITING_CORRECTIONS with the reason.
 */
import type { LedgerEntry } from "../../../src/testing/fake-target.ts";
import type { Store } from "../../../src/runtime/store/store.ts";
import type { KestrelSystems } from "./fakes.ts";

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

/** The sections compared, each computed from what the systems hold. */
export const FIGURES: Readonly<Record<string, (played: Played) => unknown>> = {
  events: (played) => played.lines.length,
  projects,
  billingCustomers,
};

/**
 * Sections not compared yet, and why: each depends on corrections of what was posted (reversals,
 * stale and repeated versions, event-id conflicts), on rejecting requests before they are sent,
 * or on the invoicing built with them.
 */
export const AWAITING_CORRECTIONS: Readonly<Record<string, string>> = {
  erpCost: "nets after reversals of amended and voided time, expenses stopped before the ERP",
  billing: "billable lines withdrawn by corrections; invoices, credit notes and payments",
  reversals: "reversals of amended and voided entries",
  invoices: "milestone and time-and-materials invoicing, credit hold, credit notes and payments",
  creditNotes: "credit notes applied to invoices",
  blockedThenReleased: "invoices held by a credit hold and issued when it lifts",
  exceptions: "the credit-control, expense-review and integration-support queues",
  conflicts: "the same event id with different content",
  duplicatesIgnored: "redeliveries and same-version repeats",
  staleVersionsIgnored: "versions lower than the one applied",
  waitedForActivation: "time held until its project is kept from its activation",
  journalIdsWrittenBack: "journal ids written back to the PSA, none for voided entries",
  erpJournals: "journal counts including reversals",
  expenses: "expenses priced with the project kept from its activation, and their journals",
  expensesNotSentToErp: "expenses rejected before any request is sent",
  reconciliation: "measures over corrected postings and billable lines",
  timeEntries: "entries priced with the project kept from its activation, as corrected",
};
