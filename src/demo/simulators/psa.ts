/**
 * The PSA simulator's state: the month's projects, users, tasks and time as the PSA holds them
 * (edits after approval included), plus the invoices and payments the integration writes back
 * onto projects. Its canonical TimeEntry records are priced from the rate cards, as the firm's
 * `apply-rate-card` mapping prices them.
 */
import { priceMinutes, toCents, toDecimal } from "../../ops/money.ts";
import type { Month, Project, RateCard } from "../month/types.ts";
import { badPeriod, withinPeriod, xeroPage } from "./lists.ts";
import type { OperationHandler, SimulatorAnswer } from "./server.ts";

/** The PSA's records and the integration's writes. */
export interface PsaState {
  handlers: Record<string, OperationHandler>;
  invoices: Map<string, Record<string, unknown>>;
  payments: Map<string, Record<string, unknown>>;
  /** The ERP journal each time entry shows, by time entry id, as the integration wrote it. */
  costPostings: Map<string, string>;
  /** Canonical records of an entity as the PSA knows them. */
  records(entity: string): Record<string, unknown>[];
}

const notFound = (what: string): SimulatorAnswer => ({ status: 404, body: { message: `${what} not found` } });

/** The card of `id` in force on `date` (an ISO date): the one with the latest start on or before it. */
function cardInForce(cards: readonly RateCard[], id: string, date: string): RateCard | undefined {
  return cards.filter((c) => c.rateCardId === id && c.validFrom <= date && (c.validTo === undefined || date < c.validTo)).sort((a, b) => b.validFrom.localeCompare(a.validFrom))[0];
}

/** Prices a time entry from its project's rate card in force on its date, at its consultant's role. */
export function priceTime(
  month: Month,
): (entry: { projectId: string; userId: string; dateUtc: string; duration: number; chargeType: string }) => { role: string; billRate: string; costRate: string; billCents: number; costCents: number } {
  const projects = new Map(month.projects.map((p) => [p.projectId, p]));
  const roles = new Map(month.resources.map((r) => [r.resourceId, r.role]));
  return (entry) => {
    const project = projects.get(entry.projectId) as Project;
    const role = roles.get(entry.userId) ?? "consultant";
    const line = cardInForce(month.rateCards, project.rateCardId, entry.dateUtc.slice(0, 10))?.lines.find((l) => l.role === role);
    const bill = line === undefined ? 0 : toCents(line.billRate);
    const cost = line === undefined ? 0 : toCents(line.costRate);
    return { role, billRate: toDecimal(entry.chargeType === "TIME" ? bill : 0), costRate: toDecimal(cost), billCents: entry.chargeType === "TIME" ? priceMinutes(entry.duration, bill) : 0, costCents: priceMinutes(entry.duration, cost) };
  };
}

/** Creates the PSA's state from a month. */
export function createPsaState(month: Month): PsaState {
  const projects = new Map(month.psaProjects.map((p) => [p.projectId, p]));
  const time = new Map(month.timeEntries.map((t) => [t.timeEntryId, t]));
  const tasks = new Map(month.milestones.map((m) => [m.taskId, m]));
  const invoices = new Map<string, Record<string, unknown>>();
  const payments = new Map<string, Record<string, unknown>>();
  const costPostings = new Map<string, string>();
  const price = priceTime(month);
  const canonicalProjects = new Map(month.projects.map((p) => [p.projectId, p]));
  const handlers: Record<string, OperationHandler> = {
    "GET /Projects/{projectId}": ({ params }) => {
      const project = projects.get(params["projectId"] ?? "");
      return project === undefined ? notFound("project") : { status: 200, body: project };
    },
    "GET /ProjectsUsers": () => ({
      status: 200,
      body: { pagination: { page: 1, pageCount: 1, itemCount: month.resources.length }, items: month.resources.map((r) => ({ userId: r.resourceId, name: r.displayName, email: r.email })) },
    }),
    "GET /Projects/{projectId}/Tasks/{taskId}": ({ params }) => {
      const task = tasks.get(params["taskId"] ?? "");
      return task === undefined ? notFound("task") : { status: 200, body: task };
    },
    // Every project's time, as Xero Projects pages one project's: narrowed to the days worked.
    "GET /Time": ({ query }) => {
      const wrong = badPeriod(query, ["dateAfterUtc", "dateBeforeUtc"]);
      if (wrong !== undefined) return { status: 400, body: { message: wrong } };
      return xeroPage("items", withinPeriod([...time.values()] as unknown as Record<string, unknown>[], (t) => String(t["dateUtc"]), query.get("dateAfterUtc"), query.get("dateBeforeUtc")), query);
    },
    "GET /Projects/{projectId}/Time/{timeEntryId}": ({ params }) => {
      const id = params["timeEntryId"] ?? "";
      const entry = time.get(id);
      const shown = costPostings.get(id);
      return entry === undefined ? notFound("time entry") : { status: 200, body: shown === undefined ? entry : { ...entry, costPostingId: shown } };
    },
    "PUT /Projects/{projectId}/Time/{timeEntryId}/CostPosting": ({ params, body }) => {
      const id = params["timeEntryId"] ?? "";
      const entry = time.get(id);
      if (entry === undefined || entry.projectId !== params["projectId"]) return notFound("time entry");
      const costPostingId = (body as { costPostingId?: unknown }).costPostingId;
      if (typeof costPostingId !== "string" || costPostingId === "") return { status: 400, body: { message: "costPostingId is required" } };
      const unchanged = costPostings.get(id) === costPostingId;
      costPostings.set(id, costPostingId);
      return { status: 200, body: { timeEntryId: id, costPostingId }, record: id, unchanged };
    },
    "PUT /Projects/{projectId}/Invoices/{invoiceId}": ({ params, body }) => {
      if (!projects.has(params["projectId"] ?? "")) return notFound("project");
      const id = params["invoiceId"] ?? "";
      const record = { ...(invoices.get(id) ?? {}), ...(body as Record<string, unknown>), invoiceId: id, projectId: params["projectId"] };
      const unchanged = JSON.stringify(invoices.get(id)) === JSON.stringify(record);
      invoices.set(id, record);
      return { status: 200, body: record, record: id, unchanged };
    },
    "PUT /Projects/{projectId}/Invoices/{invoiceId}/Payments/{paymentId}": ({ params, body }) => {
      const invoice = invoices.get(params["invoiceId"] ?? "");
      if (invoice === undefined) return notFound("invoice");
      const id = params["paymentId"] ?? "";
      const record = { ...(body as Record<string, unknown>), paymentId: id, invoiceId: params["invoiceId"], projectId: params["projectId"] };
      const unchanged = JSON.stringify(payments.get(id)) === JSON.stringify(record);
      payments.set(id, record);
      const status = (body as { invoiceStatus?: string }).invoiceStatus;
      if (status !== undefined) invoice["status"] = status;
      return { status: 200, body: record, record: id, unchanged };
    },
  };
  return {
    handlers,
    invoices,
    payments,
    costPostings,
    records(entity) {
      if (entity === "TimeEntry") {
        return month.timeEntries.map((t) => {
          const priced = price(t);
          const project = canonicalProjects.get(t.projectId);
          return {
            timeEntryId: t.timeEntryId,
            projectId: t.projectId,
            resourceId: t.userId,
            legalEntityId: project?.legalEntityId,
            workDate: t.dateUtc.slice(0, 10),
            minutes: t.duration,
            hours: toDecimal(Math.round((t.duration * 100) / 60)),
            chargeType: { TIME: "time", FIXED: "fixed", NON_CHARGEABLE: "non-chargeable" }[t.chargeType],
            role: priced.role,
            currency: project?.currency,
            billRate: priced.billRate,
            costRate: priced.costRate,
            billAmount: toDecimal(priced.billCents),
            costAmount: toDecimal(priced.costCents),
            status: t.approvalStatus.toLowerCase(),
          };
        });
      }
      if (entity === "Project") return month.projects.map((p) => ({ ...p }));
      if (entity === "Invoice") return [...invoices.values()].map((i) => ({ ...i }));
      if (entity === "Payment") return [...payments.values()].map((p) => ({ ...p }));
      return [];
    },
  };
}
