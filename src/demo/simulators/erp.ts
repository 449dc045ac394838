/**
 * The ERP simulator's state, in the Xero Accounting shapes: options of each company's "Project"
 * tracking category, posted manual journals, bills and receivables, and payments. Its canonical
 * records read the books back: cost postings per project (journal lines on cost of sales),
 * receivables as invoices, and payments applied to them.
 */
import { randomUUID } from "node:crypto";
import { toCents, toDecimal } from "../../ops/money.ts";
import type { Month } from "../month/types.ts";
import { badPeriod, withinPeriod, xeroPage } from "./lists.ts";
import type { OperationHandler, SimulatorAnswer } from "./server.ts";

type Json = Record<string, unknown>;

/** The ERP's books. */
export interface ErpState {
  handlers: Record<string, OperationHandler>;
  /** Tracking options by id: the project dimension. */
  options: Map<string, { TrackingOptionID: string; TrackingCategoryID: string; Name: string; Status: string }>;
  journals: Json[];
  invoices: Map<string, Json>;
  payments: Json[];
  /** Posts a journal by hand on a project's option (the month's manual changes). */
  postByHand(projectId: string, cents: number, narration: string, date: string): boolean;
  /** Changes a receivable's first line by hand. */
  adjustReceivable(invoiceId: string, cents: number): boolean;
  /** Records a payment in the ledger only. */
  payByHand(invoiceId: string, cents: number, date: string): boolean;
  /** Puts a client's contact in the group "Credit hold" (or takes it out), changed at `at` (ISO). */
  setCreditHold(clientId: string, held: boolean, at: string): boolean;
  records(entity: string): Json[];
}

const bad = (message: string): SimulatorAnswer => ({ status: 400, body: { Type: "ValidationException", Message: message } });

/** Creates the ERP's books for a month's companies. */
export function createErpState(month: Month): ErpState {
  const options = new Map<string, { TrackingOptionID: string; TrackingCategoryID: string; Name: string; Status: string }>();
  const journals: Json[] = [];
  const invoices = new Map<string, Json>();
  const byNumber = new Map<string, string>();
  const payments: Json[] = [];
  const categories = new Set(month.legalEntities.map((e) => e.projectTrackingCategoryId));
  const costAccounts = new Set(month.legalEntities.map((e) => e.ledgerAccounts.costOfSales));
  const clients = new Map(month.clients.map((c) => [c.clientId, c]));
  const projectOf = (optionId: unknown): string | undefined => {
    const option = options.get(String(optionId));
    if (option === undefined) return undefined;
    return month.projects.find((p) => option.Name.includes(p.projectCode) || option.Name === p.name)?.projectId;
  };
  const total = (invoice: Json): number =>
    ((invoice["LineItems"] as Json[] | undefined) ?? []).reduce(
      (sum, line) => sum + toCents(String(line["LineAmount"] ?? line["UnitAmount"] ?? "0")) + toCents(String(line["TaxAmount"] ?? "0")),
      0,
    );
  const paid = (invoiceId: string): number => payments.filter((p) => (p["Invoice"] as Json)["InvoiceID"] === invoiceId).reduce((sum, p) => sum + toCents(String(p["Amount"])), 0);

  // Lists narrow by `DateFrom` and `DateTo`, both days included, and carry what Xero's lists carry:
  // an invoice's Total and AmountPaid, a payment's invoice number.
  const list = (name: string, records: () => Json[]): OperationHandler => ({ query }) => {
    const wrong = badPeriod(query, ["DateFrom", "DateTo"]);
    if (wrong !== undefined) return bad(wrong);
    return xeroPage(name, withinPeriod(records(), (r) => String(r["Date"] ?? ""), query.get("DateFrom"), query.get("DateTo")), query);
  };
  const listedInvoice = (i: Json): Json => ({ ...i, Total: total(i) / 100, AmountPaid: paid(String(i["InvoiceID"])) / 100 });
  const listedPayment = (p: Json): Json => {
    const invoiceId = String((p["Invoice"] as Json)["InvoiceID"]);
    return { ...p, Invoice: { InvoiceID: invoiceId, InvoiceNumber: invoices.get(invoiceId)?.["InvoiceNumber"] } };
  };

  // Clients as Xero contacts; credit control holds a client by adding it to the group "Credit hold".
  const creditHold = { ContactGroupID: "c0ffee00-0000-4000-8000-000000000001", Name: "Credit hold", Status: "ACTIVE" };
  const contacts = new Map<string, Json>(
    month.clients.map((c) => [
      c.clientId,
      { ContactID: c.clientId, Name: c.name, DefaultCurrency: c.defaultCurrency, ContactStatus: "ACTIVE", IsCustomer: true, ContactGroups: [], UpdatedDateUTC: `${month.period}-01T00:00:00Z` },
    ]),
  );

  const handlers: Record<string, OperationHandler> = {
    // Contacts changed at or after `modifiedSince` (all without it), as Xero's If-Modified-Since narrows them.
    "GET /Contacts": ({ query }) => {
      const since = query.get("modifiedSince");
      if (since !== null && Number.isNaN(Date.parse(since))) return bad(`modifiedSince must be a date-time, not '${since}'`);
      const changed = [...contacts.values()].filter((c) => since === null || String(c["UpdatedDateUTC"]) >= since);
      return xeroPage("Contacts", changed, query);
    },
    "GET /Invoices": list("Invoices", () => [...invoices.values()].map(listedInvoice)),
    "GET /Payments": list("Payments", () => payments.map(listedPayment)),
    "GET /ManualJournals": list("ManualJournals", () => journals),
    "GET /Contacts/{ContactID}": ({ params }) => {
      const client = clients.get(params["ContactID"] ?? "");
      if (client === undefined) return { status: 404, body: { Message: "contact not found" } };
      return { status: 200, body: { Contacts: [{ ContactID: client.clientId, Name: client.name, DefaultCurrency: client.defaultCurrency, IsCustomer: true, ContactStatus: "ACTIVE" }] } };
    },
    "PUT /TrackingCategories/{TrackingCategoryID}/Options": ({ params, body }) => {
      const category = params["TrackingCategoryID"] ?? "";
      if (!categories.has(category)) return { status: 404, body: { Message: "tracking category not found" } };
      const name = String((body as Json | undefined)?.["Name"] ?? "");
      if (name === "") return bad("Name is required");
      const existing = [...options.values()].find((o) => o.TrackingCategoryID === category && o.Name === name);
      if (existing !== undefined) return { status: 200, body: { Options: [existing] }, record: existing.TrackingOptionID, unchanged: true };
      const option = { TrackingOptionID: randomUUID(), TrackingCategoryID: category, Name: name, Status: "ACTIVE" };
      options.set(option.TrackingOptionID, option);
      return { status: 200, body: { Options: [option] }, record: option.TrackingOptionID };
    },
    "PUT /ManualJournals": ({ body }) => {
      const list = (body as Json | undefined)?.["ManualJournals"];
      if (!Array.isArray(list) || list.length === 0) return bad("ManualJournals is required");
      for (const journal of list as Json[]) {
        const lines = journal["JournalLines"];
        if (!Array.isArray(lines) || lines.length < 2) return bad("a journal needs at least two lines");
        const sum = (lines as Json[]).reduce((s, l) => s + toCents(String(l["LineAmount"] ?? "0")), 0);
        if (sum !== 0) return bad("the journal lines must balance");
      }
      const posted = (list as Json[]).map((j) => ({ ...j, ManualJournalID: randomUUID(), Status: j["Status"] ?? "POSTED" }));
      journals.push(...posted);
      return { status: 200, body: { ManualJournals: posted }, record: String(posted[0]?.["ManualJournalID"]) };
    },
    "PUT /Invoices": ({ body }) => {
      const list = (body as Json | undefined)?.["Invoices"];
      if (!Array.isArray(list) || list.length === 0) return bad("Invoices is required");
      const created = (list as Json[]).map((i) => ({ ...i, InvoiceID: randomUUID() }));
      for (const invoice of created) invoices.set(invoice.InvoiceID, invoice);
      return { status: 200, body: { Invoices: created }, record: String(created[0]?.InvoiceID) };
    },
    "POST /Invoices": ({ body }) => {
      const list = (body as Json | undefined)?.["Invoices"];
      if (!Array.isArray(list) || list.length === 0) return bad("Invoices is required");
      let unchanged = true;
      const saved = (list as Json[]).map((i) => {
        const number = String(i["InvoiceNumber"] ?? "");
        const id = byNumber.get(number) ?? randomUUID();
        const record = { ...(invoices.get(id) ?? {}), ...i, InvoiceID: id };
        if (JSON.stringify(invoices.get(id)) !== JSON.stringify(record)) unchanged = false;
        invoices.set(id, record);
        if (number !== "") byNumber.set(number, id);
        return record;
      });
      return { status: 200, body: { Invoices: saved }, record: String(saved[0]?.["InvoiceID"]), unchanged };
    },
    "POST /Payments": ({ body }) => {
      const payment = body as Json | undefined;
      const invoiceId = String((payment?.["Invoice"] as Json | undefined)?.["InvoiceID"] ?? "");
      const invoice = invoices.get(invoiceId);
      if (invoice === undefined) return bad(`Invoice ${invoiceId} could not be found`);
      const amount = toCents(String(payment?.["Amount"] ?? "0"));
      if (paid(invoiceId) + amount > total(invoice)) return bad("Payment amount exceeds the amount outstanding on this document");
      const record = { ...payment, PaymentID: randomUUID(), Status: "AUTHORISED" };
      payments.push(record);
      if (paid(invoiceId) === total(invoice)) invoice["Status"] = "PAID";
      return { status: 200, body: { Payments: [record] }, record: record.PaymentID };
    },
  };

  const optionOf = (projectId: string): { TrackingOptionID: string; TrackingCategoryID: string } | undefined => {
    const project = month.projects.find((p) => p.projectId === projectId);
    if (project === undefined) return undefined;
    return [...options.values()].find((o) => o.Name.includes(project.projectCode) || o.Name === project.name);
  };
  const receivableOf = (invoiceNumber: string): Json | undefined => {
    const id = byNumber.get(invoiceNumber);
    return id === undefined ? undefined : invoices.get(id);
  };

  return {
    handlers,
    options,
    journals,
    invoices,
    payments,
    postByHand(projectId, cents, narration, date) {
      const option = optionOf(projectId);
      if (option === undefined) return false;
      const entity = month.legalEntities.find((e) => e.projectTrackingCategoryId === option.TrackingCategoryID);
      journals.push({
        ManualJournalID: randomUUID(),
        Narration: narration,
        Date: date,
        Status: "POSTED",
        JournalLines: [
          { LineAmount: toDecimal(cents), AccountCode: entity?.ledgerAccounts.costOfSales, Tracking: [option] },
          { LineAmount: toDecimal(-cents), AccountCode: entity?.ledgerAccounts.costClearing },
        ],
      });
      return true;
    },
    adjustReceivable(invoiceNumber, cents) {
      const line = ((receivableOf(invoiceNumber)?.["LineItems"] as Json[] | undefined) ?? [])[0];
      if (line === undefined) return false;
      line["UnitAmount"] = toDecimal(toCents(String(line["UnitAmount"] ?? "0")) + cents);
      if (line["LineAmount"] !== undefined) line["LineAmount"] = toDecimal(toCents(String(line["LineAmount"])) + cents);
      return true;
    },
    setCreditHold(clientId, held, at) {
      const contact = contacts.get(clientId);
      if (contact === undefined) return false;
      contact["ContactGroups"] = held ? [creditHold] : [];
      contact["UpdatedDateUTC"] = at;
      return true;
    },
    payByHand(invoiceNumber, cents, date) {
      const invoice = receivableOf(invoiceNumber);
      if (invoice === undefined) return false;
      payments.push({ PaymentID: randomUUID(), Invoice: { InvoiceID: invoice["InvoiceID"] }, Account: { Code: "090" }, Date: date, Amount: toDecimal(cents), Status: "AUTHORISED" });
      return true;
    },
    records(entity) {
      if (entity === "TimeEntry") {
        const result: Json[] = [];
        for (const journal of journals) {
          for (const line of (journal["JournalLines"] as Json[] | undefined) ?? []) {
            if (!costAccounts.has(String(line["AccountCode"]))) continue;
            const tracking = ((line["Tracking"] as Json[] | undefined) ?? [])[0];
            const time = /\[time ([^\]]+)\]/.exec(String(journal["Narration"] ?? ""));
            result.push({
              costPostingId: journal["ManualJournalID"],
              timeEntryId: time?.[1],
              projectId: projectOf(tracking?.["TrackingOptionID"]),
              workDate: journal["Date"],
              costAmount: toDecimal(toCents(String(line["LineAmount"]))),
            });
          }
        }
        return result;
      }
      if (entity === "Invoice") {
        return [...invoices.values()]
          .filter((i) => i["Type"] === "ACCREC")
          .map((i) => {
            const clientId = String((i["Contact"] as Json | undefined)?.["ContactID"] ?? "");
            return {
              invoiceId: i["InvoiceNumber"],
              erpInvoiceId: i["InvoiceID"],
              clientId,
              legalEntityId: clients.get(clientId)?.contractingEntityId,
              issueDate: i["Date"],
              currency: i["CurrencyCode"],
              total: toDecimal(total(i)),
              amountPaid: toDecimal(paid(String(i["InvoiceID"]))),
              status: String(i["Status"] ?? "").toLowerCase(),
            };
          });
      }
      if (entity === "Payment") {
        return payments.map((p) => ({
          paymentId: p["PaymentID"],
          invoiceId: invoices.get(String((p["Invoice"] as Json)["InvoiceID"]))?.["InvoiceNumber"],
          amount: toDecimal(toCents(String(p["Amount"]))),
          paidDate: p["Date"],
        }));
      }
      return [];
    },
  };
}
