/**
 * Kestrel's figures over corrected postings (R7, R14): the ERP's reversals of amended and voided
 * time, its ledger net of them per project, the journals the integration posted, and the
 * reconciliation of hours, labour cost and billable time across the PSA, the ERP and the billing
 * platform. The ERP and billing figures are read from the fakes' ledgers (a withdrawn billable
 * line is one the billing platform removed); journals keyed by hand in the ERP are those its
 * `journal.posted` events announce; the PSA's side is its time entries as the events left them,
 * each priced as the integration posted it (what stands posted for it in the store).
 */
import type { LedgerEntry } from "../../../src/testing/fake-target.ts";
import type { Played } from "./figures.ts";

type Body = Record<string, unknown>;

const bodyOf = (entry: LedgerEntry) => (entry.body ?? {}) as Body;

/** A decimal string in cents, and back: amounts are never summed as binary fractions. */
const cents = (value: unknown): number => (value === null || value === undefined ? 0 : Math.round(Number(value) * 100));
const decimal = (value: number): string => `${value < 0 ? "-" : ""}${Math.floor(Math.abs(value) / 100)}.${String(Math.abs(value) % 100).padStart(2, "0")}`;

/** The journals the integration posted, reversals included, in the order the ERP numbered them. */
function integrationJournals(played: Played): LedgerEntry[] {
  return played.systems.erp.ledger.filter((e) => e.path.endsWith("/journals") || e.path.endsWith("/reversals"));
}

const isReversal = (entry: LedgerEntry) => entry.path.endsWith("/reversals");

/** The journals keyed by hand in the ERP, as its `journal.posted` events announce them. */
function manualJournals(played: Played): Body[] {
  return played.lines.filter((l) => l.type === "journal.posted").map((l) => l.data);
}

/** The billing platform's time lines: each added line, and whether it was withdrawn since. */
function timeLines(played: Played): { entry: LedgerEntry; withdrawn: boolean }[] {
  const ledger = played.systems.billing.ledger;
  const removed = new Set(ledger.filter((e) => e.method === "DELETE").map((e) => e.id));
  return ledger.filter((e) => e.path.endsWith("/lines") && bodyOf(e)["source"] === "time").map((entry) => ({ entry, withdrawn: removed.has(entry.id) }));
}

/** Every ERP reversal in posting order, with the billable value of the line withdrawn with it. */
export function reversals(played: Played): unknown[] {
  const withdrawn = timeLines(played).filter((l) => l.withdrawn).map((l) => l.entry);
  const used = new Set<LedgerEntry>();
  return integrationJournals(played)
    .filter(isReversal)
    .map((journal) => {
      const body = bodyOf(journal);
      const line = withdrawn.find((l) => !used.has(l) && bodyOf(l)["sourceId"] === body["reference"]);
      if (line !== undefined) used.add(line);
      return {
        timeEntryId: body["reference"],
        projectId: body["projectId"],
        cause: body["cause"],
        reversedVersion: body["version"],
        hours: decimal(-cents(body["hours"])),
        cost: decimal(-cents(body["amount"])),
        billable: line === undefined ? null : bodyOf(line)["amount"],
        currency: body["currency"],
        reversedJournalId: body["reverses"],
        reversalJournalId: journal.id,
      };
    });
}

/** Per project, the ERP's net labour (5100) and expenses (5200) posted by the integration, the manual journals and the ledger's total. */
export function erpCost(played: Played): Record<string, unknown> {
  const out: Record<string, { currency: unknown; labour: number; expenses: number; manual: number }> = {};
  const project = (id: unknown, currency: unknown) => {
    out[String(id)] ??= { currency, labour: 0, expenses: 0, manual: 0 };
    return out[String(id)] as { currency: unknown; labour: number; expenses: number; manual: number };
  };
  for (const journal of integrationJournals(played)) {
    const body = bodyOf(journal);
    const held = project(body["projectId"], body["currency"]);
    if (body["account"] === "5100") held.labour += cents(body["amount"]);
    if (body["account"] === "5200") held.expenses += cents(body["amount"]);
  }
  for (const manual of manualJournals(played)) project(manual["projectId"], manual["currency"]).manual += cents(manual["amount"]);
  return Object.fromEntries(
    Object.entries(out).map(([id, p]) => [
      id,
      {
        currency: p.currency,
        labour: decimal(p.labour),
        expenses: decimal(p.expenses),
        postedByIntegration: decimal(p.labour + p.expenses),
        manual: decimal(p.manual),
        ledgerTotal: decimal(p.labour + p.expenses + p.manual),
      },
    ]),
  );
}

/** The journals the integration posted, by kind, and the ids of those keyed by hand. */
export function erpJournals(played: Played): unknown {
  const journals = integrationJournals(played);
  const postings = journals.filter((j) => !isReversal(j));
  return {
    postedByIntegration: journals.length,
    timePostings: postings.filter((j) => bodyOf(j)["account"] === "5100").length,
    timeReversals: journals.filter(isReversal).length,
    expensePostings: postings.filter((j) => bodyOf(j)["account"] === "5200").length,
    manual: manualJournals(played).map((m) => m["journalId"]),
  };
}

/** The PSA's time entries at the end: each entry's highest version, voided ones left out. */
function psaEntries(played: Played): Body[] {
  const latest = new Map<string, { type: string; data: Body }>();
  for (const line of played.lines) {
    if (line.type !== "time.approved" && line.type !== "time.voided") continue;
    const id = String(line.data["timeEntryId"]);
    const was = latest.get(id);
    if (was === undefined || Number(line.data["version"]) > Number(was.data["version"])) latest.set(id, { type: line.type, data: line.data });
  }
  return [...latest.values()].filter((e) => e.type === "time.approved").map((e) => e.data);
}

const MEASURES = ["hours", "labourCost", "billableHours", "billableAmount"] as const;

/** R14: per project and measure, what the PSA, the ERP and the billing platform hold, and the rows that differ. */
export async function reconciliation(played: Played): Promise<unknown> {
  const sums = new Map<string, Record<string, number>>();
  const add = (projectId: unknown, key: string, value: number) => {
    const row = sums.get(String(projectId)) ?? {};
    row[key] = (row[key] ?? 0) + value;
    sums.set(String(projectId), row);
  };
  const entity = new Map<string, { entity: string; currency: unknown; billingType: unknown }>();
  for (const entry of played.systems.erp.ledger) {
    const ledger = /\/ledgers\/([^/]+)\/projects$/.exec(entry.path);
    if (ledger !== null) entity.set(String(bodyOf(entry)["projectId"]), { entity: decodeURIComponent(ledger[1] as string), currency: bodyOf(entry)["currency"], billingType: bodyOf(entry)["billingType"] });
  }
  for (const data of psaEntries(played)) {
    const posted = await played.store.findPosting("time-posting", String(data["timeEntryId"]), "erp");
    if (posted === undefined || posted.withdrawn !== undefined) continue;
    add(data["projectId"], "psa.hours", cents(data["hours"]));
    add(data["projectId"], "psa.labourCost", cents((posted.body as Body)["amount"]));
    const project = entity.get(String(data["projectId"]));
    if (project?.billingType !== "time-and-materials" || data["billable"] !== true) continue;
    const line = await played.store.findPosting("time-posting", String(data["timeEntryId"]), "billing");
    add(data["projectId"], "psa.billableHours", cents(data["hours"]));
    add(data["projectId"], "psa.billableAmount", line === undefined || line.withdrawn !== undefined ? 0 : cents((line.body as Body)["amount"]));
  }
  for (const journal of integrationJournals(played)) {
    const body = bodyOf(journal);
    if (body["account"] !== "5100") continue;
    add(body["projectId"], "erp.hours", cents(body["hours"]));
    add(body["projectId"], "erp.labourCost", cents(body["amount"]));
  }
  for (const manual of manualJournals(played)) if (manual["account"] === "5100") add(manual["projectId"], "erp.labourCost", cents(manual["amount"]));
  for (const { entry, withdrawn } of timeLines(played)) {
    if (withdrawn) continue;
    add(bodyOf(entry)["projectId"], "billing.billableHours", cents(bodyOf(entry)["hours"]));
    add(bodyOf(entry)["projectId"], "billing.billableAmount", cents(bodyOf(entry)["amount"]));
  }
  const rows = [...entity.keys()].sort().flatMap((projectId) => {
    const held = sums.get(projectId) ?? {};
    const { entity: name, currency } = entity.get(projectId) as { entity: string; currency: unknown };
    return MEASURES.map((measure) => {
      const billable = measure.startsWith("billable");
      return {
        entity: name,
        projectId,
        currency,
        measure,
        psa: decimal(held[`psa.${measure}`] ?? 0),
        erp: billable ? null : decimal(held[`erp.${measure}`] ?? 0),
        billing: billable ? decimal(held[`billing.${measure}`] ?? 0) : null,
      };
    });
  });
  return { rows, gaps: rows.filter((r) => r.psa !== (r.erp ?? r.billing)) };
}
