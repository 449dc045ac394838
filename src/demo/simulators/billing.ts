/**
 * The billing simulator's state, in the Chargebee v1 shapes: customers, a subscription per project,
 * charges queued at term end, invoices (one-time charges at once, the rest when the term closes),
 * and payments. It also writes the webhooks the billing platform sends: `invoice_generated` and
 * `payment_succeeded` events.
 */
import type { Month } from "../month/types.ts";
import { badPeriod, chargebeePage, withinPeriod } from "./lists.ts";
import type { OperationHandler, SimulatorAnswer } from "./server.ts";

type Json = Record<string, unknown>;

/** A webhook the billing platform sends. */
export interface BillingEvent {
  event: "invoiceGenerated" | "paymentSucceeded";
  payload: Json;
}

/** The billing platform's records. */
export interface BillingState {
  handlers: Record<string, OperationHandler>;
  customers: Map<string, Json>;
  subscriptions: Map<string, Json>;
  charges: Map<string, Json[]>;
  invoices: Map<string, Json>;
  transactions: Json[];
  /** Invoices every subscription's queued charges at `date` (unix seconds); returns the webhooks. */
  closeTerm(date: number): BillingEvent[];
  /** Collects `share` of an invoice; returns the webhook. */
  pay(invoiceId: string, share: number, date: number): BillingEvent | undefined;
  records(entity: string): Json[];
}

const error = (status: number, code: string, message: string): SimulatorAnswer => ({ status, body: { api_error_code: code, message, http_status_code: status } });
const decimal = (minor: number): string => `${minor < 0 ? "-" : ""}${Math.floor(Math.abs(minor) / 100)}.${String(Math.abs(minor) % 100).padStart(2, "0")}`;

/** Creates the billing platform's state. */
export function createBillingState(month: Month): BillingState {
  const customers = new Map<string, Json>();
  const subscriptions = new Map<string, Json>();
  const charges = new Map<string, Json[]>();
  const invoices = new Map<string, Json>();
  const transactions: Json[] = [];
  const announced = new Set<string>();
  const projects = new Map(month.projects.map((p) => [p.projectId, p]));
  let events = 0;
  let invoiceSeq = 10_000;
  const prefix = (projectId: string): string => projects.get(projectId)?.projectCode.slice(0, 2) ?? "XX";
  const makeInvoice = (subscription: Json, lines: Json[], date: number, recurring: boolean): Json => {
    const subtotal = lines.reduce((s, l) => s + Number(l["amount"]), 0);
    invoiceSeq += 1;
    const invoice: Json = {
      id: `${prefix(String(subscription["id"]))}-${invoiceSeq}`,
      customer_id: subscription["customer_id"],
      subscription_id: subscription["id"],
      recurring,
      status: "payment_due",
      price_type: "tax_exclusive",
      start_date: date,
      end_date: date,
      currency_code: subscription["currency_code"],
      sub_total: subtotal,
      tax: 0,
      amount: subtotal,
      amount_due: subtotal,
      amount_paid: 0,
      // Each line names its subscription, as Chargebee's line items do.
      line_items: lines.map((l) => ({ ...l, subscription_id: subscription["id"] })),
    };
    if (subscription["po_number"] !== undefined) invoice["po_number"] = subscription["po_number"];
    invoices.set(String(invoice["id"]), invoice);
    return invoice;
  };
  const event = (type: string, content: Json, date: number): Json => {
    events += 1;
    return { id: `ev_${String(events).padStart(6, "0")}`, occurred_at: date, source: "scheduled_job", event_type: type, api_version: "v1", webhook_status: "scheduled", content };
  };
  const addCharge: OperationHandler = ({ params, body }) => {
    const id = params["subscription-id"] ?? "";
    if (!subscriptions.has(id)) return error(404, "resource_not_found", `subscription ${id} not found`);
    const amount = Number((body as Json | undefined)?.["amount"]);
    const description = String((body as Json | undefined)?.["description"] ?? "");
    if (!Number.isInteger(amount) || description === "") return error(400, "param_wrong_value", "amount and description are required");
    const list = charges.get(id) ?? [];
    const charge = { amount, description, seq: list.length + 1 };
    list.push(charge);
    charges.set(id, list);
    return { status: 200, body: { estimate: { subscription_id: id, charge_amount: amount } }, record: `${id}#${charge.seq}` };
  };
  const day = (unix: unknown): string => new Date(Number(unix) * 1000).toISOString().slice(0, 10);
  // Lists narrow by `date[after]` and `date[before]`, both days included.
  const list = (kind: string, records: readonly Json[], dateField: string): OperationHandler => ({ query }) => {
    const wrong = badPeriod(query, ["date[after]", "date[before]"]);
    if (wrong !== undefined) return error(400, "param_wrong_value", wrong);
    return chargebeePage(kind, withinPeriod(records, (r) => day(r[dateField]), query.get("date[after]"), query.get("date[before]")), query);
  };
  const handlers: Record<string, OperationHandler> = {
    "GET /invoices": (request) => list("invoice", [...invoices.values()], "start_date")(request),
    "GET /transactions": (request) => list("transaction", transactions, "date")(request),
    "POST /customers": ({ body }) => {
      const request = (body ?? {}) as Json;
      const id = String(request["id"] ?? "");
      if (id === "" || request["company"] === undefined) return error(400, "param_wrong_value", "id and company are required");
      const existing = customers.get(id);
      const record = { ...request, auto_collection: request["auto_collection"] ?? "off", created_at: existing?.["created_at"] ?? 1_772_323_200 };
      if (existing !== undefined) {
        if (JSON.stringify(existing) === JSON.stringify(record)) return { status: 200, body: { customer: existing }, record: id, unchanged: true };
        return error(400, "duplicate_entry", `a customer with id ${id} already exists`);
      }
      customers.set(id, record);
      return { status: 200, body: { customer: record }, record: id };
    },
    "POST /customers/{customer-id}": ({ params, body }) => {
      const id = params["customer-id"] ?? "";
      const existing = customers.get(id);
      if (existing === undefined) return error(404, "resource_not_found", `customer ${id} not found`);
      Object.assign(existing, body as Json);
      return { status: 200, body: { customer: existing }, record: id };
    },
    "POST /customers/{customer-id}/subscriptions": ({ params, body }) => {
      const customerId = params["customer-id"] ?? "";
      if (!customers.has(customerId)) return error(404, "resource_not_found", `customer ${customerId} not found`);
      const request = (body ?? {}) as Json;
      const id = String(request["id"] ?? "");
      if (id === "" || request["plan_id"] === undefined) return error(400, "param_wrong_value", "id and plan_id are required");
      if (subscriptions.has(id)) return error(400, "duplicate_entry", `a subscription with id ${id} already exists`);
      const currency = String(request["plan_id"]).split("-").pop()?.toUpperCase();
      const record = { ...request, customer_id: customerId, status: "active", plan_quantity: Number(request["plan_quantity"] ?? 1), currency_code: currency };
      subscriptions.set(id, record);
      return { status: 200, body: { subscription: record, customer: customers.get(customerId) }, record: id };
    },
    "POST /subscriptions/{subscription-id}/add_charge_at_term_end": addCharge,
    "POST /invoices/charge": ({ body }) => {
      const request = (body ?? {}) as Json;
      const subscription = subscriptions.get(String(request["subscription_id"] ?? ""));
      if (subscription === undefined) return error(404, "resource_not_found", "subscription not found");
      const amount = Number(request["amount"]);
      if (!Number.isInteger(amount)) return error(400, "param_wrong_value", "amount must be an integer");
      const date = Math.floor(Date.parse(`${month.period}-28T12:00:00Z`) / 1000);
      const invoice = makeInvoice(
        { ...subscription, ...(request["po_number"] === undefined ? {} : { po_number: request["po_number"] }) },
        [{ amount, unit_amount: amount, quantity: 1, description: request["description"], type: "charge", entity_type: "adhoc", date_from: date, date_to: date }],
        date,
        false,
      );
      return { status: 200, body: { invoice }, record: String(invoice["id"]) };
    },
    "GET /invoices/{invoice-id}": ({ params }) => {
      const invoice = invoices.get(params["invoice-id"] ?? "");
      return invoice === undefined ? error(404, "resource_not_found", "invoice not found") : { status: 200, body: { invoice } };
    },
  };
  return {
    handlers,
    customers,
    subscriptions,
    charges,
    invoices,
    transactions,
    closeTerm(date) {
      const result: BillingEvent[] = [];
      for (const id of [...subscriptions.keys()].sort()) {
        const queued = charges.get(id) ?? [];
        const open = queued.filter((c) => c["invoiceId"] === undefined);
        if (open.length === 0) continue;
        const subscription = subscriptions.get(id) as Json;
        const lines = open.map((c) => ({ amount: c["amount"], unit_amount: c["amount"], quantity: 1, description: c["description"], type: "charge", entity_type: "adhoc", date_from: date, date_to: date }));
        const invoice = makeInvoice(subscription, lines, date, true);
        for (const c of open) c["invoiceId"] = invoice["id"];
      }
      for (const invoice of [...invoices.values()].sort((a, b) => String(a["id"]).localeCompare(String(b["id"])))) {
        if (announced.has(String(invoice["id"]))) continue;
        announced.add(String(invoice["id"]));
        result.push({ event: "invoiceGenerated", payload: event("invoice_generated", { invoice: { ...invoice } }, date) });
      }
      return result;
    },
    pay(invoiceId, share, date) {
      const invoice = invoices.get(invoiceId);
      if (invoice === undefined) return undefined;
      const amount = Math.round(Number(invoice["amount_due"]) * share);
      if (amount <= 0) return undefined;
      invoice["amount_paid"] = Number(invoice["amount_paid"]) + amount;
      invoice["amount_due"] = Number(invoice["amount"]) - Number(invoice["amount_paid"]);
      if (invoice["amount_due"] === 0) {
        invoice["status"] = "paid";
        invoice["paid_on"] = date;
      }
      const transaction: Json = {
        id: `txn_${String(transactions.length + 1).padStart(6, "0")}`,
        customer_id: invoice["customer_id"],
        subscription_id: invoice["subscription_id"],
        payment_method: "bank_transfer",
        gateway: "not_applicable",
        type: "payment",
        date,
        currency_code: invoice["currency_code"],
        amount,
        status: "success",
        linked_invoices: [{ invoice_id: invoiceId, applied_amount: amount, applied_at: date, invoice_date: invoice["start_date"], invoice_amount: invoice["amount"] }],
      };
      transactions.push(transaction);
      const customer = customers.get(String(invoice["customer_id"])) ?? { id: invoice["customer_id"], auto_collection: "off", created_at: date };
      return { event: "paymentSucceeded", payload: event("payment_succeeded", { transaction, invoice: { ...invoice }, customer }, date) };
    },
    records(entity) {
      if (entity === "TimeEntry") {
        const result: Json[] = [];
        for (const [projectId, list] of charges) {
          for (const c of list) {
            const time = /\[time ([^\]]+)\]/.exec(String(c["description"]));
            if (time === null) continue;
            result.push({ timeEntryId: time[1], projectId, workDate: String(c["description"]).slice(0, 10), billAmount: decimal(Number(c["amount"])) });
          }
        }
        return result;
      }
      if (entity === "Invoice") {
        return [...invoices.values()].map((i) => ({
          invoiceId: i["id"],
          projectId: i["subscription_id"],
          clientId: i["customer_id"],
          legalEntityId: projects.get(String(i["subscription_id"]))?.legalEntityId,
          issueDate: day(i["start_date"]),
          currency: i["currency_code"],
          total: decimal(Number(i["amount"])),
          amountPaid: decimal(Number(i["amount_paid"])),
          status: { payment_due: "issued", paid: "paid", not_paid: "issued", voided: "voided", pending: "draft" }[String(i["status"])] ?? "issued",
        }));
      }
      if (entity === "Payment") {
        return transactions.flatMap((t) =>
          ((t["linked_invoices"] as Json[] | undefined) ?? []).map((l) => ({
            paymentId: t["id"],
            invoiceId: l["invoice_id"],
            amount: decimal(Number(l["applied_amount"])),
            status: t["status"] === "success" ? "succeeded" : String(t["status"]),
            paidDate: day(t["date"]),
          })),
        );
      }
      return [];
    },
  };
}
