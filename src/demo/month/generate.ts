/**
 * `generateMonth`: a consulting firm's month, deterministic from a seed. It builds the firm and its
 * work, then adds the mess real data has (a project without its contract, duplicate webhooks,
 * edits after approval, late approvals, changes made by hand in the ERP) and records the
 * reconciliation gaps that mess must produce, so a run can be checked against them. Edits after
 * approval produce none: the integration corrects what it posted.
 */
import { createRandom } from "../random.ts";
import { expenses, milestones, staffing, timeEntries } from "./activity.ts";
import { firmEntities, firmProjects, firmResources } from "./firm.ts";
import { toDecimal } from "../../ops/money.ts";
import type { BillingSchedule, Client, Contract, ManualChange, Month, MonthEvent, MonthOptions, Project, PsaTimeEntry, SeededGap } from "./types.ts";

/** The demo's month: March 2026. */
export const DEFAULT_MONTH = "2026-03-01";

function clock(start: string, iso: string): number {
  return Date.parse(iso) - Date.parse(`${start}T00:00:00Z`);
}

/** Generates the month for `options.seed`; equal options give an equal month. */
export function generateMonth(options: MonthOptions): Month {
  const start = options.month ?? DEFAULT_MONTH;
  const period = start.slice(0, 7);
  const random = createRandom(options.seed);
  const { legalEntities, rateCards } = firmEntities(random.fork("entities"));
  const resources = firmResources(random.fork("resources"), options.consultants ?? 40);
  const { clients, projects, psaProjects } = firmProjects(random.fork("projects"), options.projects ?? 120, start);
  const assignment = staffing(random.fork("staffing"), resources, projects);
  const entries = timeEntries(random.fork("time"), start, resources, assignment, options.timeEntries ?? 20_000);
  const claims = expenses(random.fork("expenses"), start, resources, assignment);
  const accepted = milestones(random.fork("milestones"), start, projects);

  // Pick the projects the mess lands on: distinct time-and-materials projects with billable time.
  const billable = new Map<string, number>();
  for (const e of entries) if (e.chargeType === "TIME" && e.approvalStatus === "APPROVED") billable.set(e.projectId, (billable.get(e.projectId) ?? 0) + 1);
  const candidates = projects.filter((p) => p.billingModel === "time-and-materials" && (billable.get(p.projectId) ?? 0) >= 3);
  if (candidates.length < 6) throw new Error("the month is too small to seed its mess: it needs six time-and-materials projects with billable time");
  const mess = createRandom(options.seed).fork("mess");
  const pool = [...candidates];
  const take = (): Project => pool.splice(mess.int(0, pool.length - 1), 1)[0] as Project;
  const noContract = take();
  const edited = [take(), take()];
  const journalled = take();
  const adjusted = take();
  const paidOutside = take();
  const seededGaps: SeededGap[] = [];

  delete noContract.contractId;
  const psaNoContract = psaProjects.find((p) => p.projectId === noContract.projectId);
  if (psaNoContract !== undefined) delete psaNoContract.contractId;
  seededGaps.push({ subject: `project:${noContract.projectId}:${period}`, cause: "missing-contract", detail: `${noContract.projectCode} was activated without its contract, so its time cannot be posted or billed` });

  const events: MonthEvent[] = [];
  const push = (event: Omit<MonthEvent, "system">): void => {
    events.push({ system: "psa", ...event });
  };
  for (const p of psaProjects) push({ at: clock(start, p.activatedDateUtc), event: "projectActivated", payload: p });

  const editedEntries = edited.map((project) => {
    const entry = entries.find((e) => e.projectId === project.projectId && e.chargeType === "TIME" && e.approvalStatus === "APPROVED") as PsaTimeEntry;
    return entry;
  });
  for (const entry of entries) {
    if (entry.approvalStatus !== "APPROVED" || entry.approvedDateUtc === undefined) continue;
    const at = clock(start, entry.approvedDateUtc);
    const late = entry.approvedDateUtc.slice(0, 7) > period;
    push({ at, event: "timeEntryApproved", payload: { ...entry }, ...(late ? { mess: "late-approval" as const } : {}) });
    if (mess.chance(0.015)) push({ at: at + 60_000 * mess.int(1, 90), event: "timeEntryApproved", payload: { ...entry }, mess: "duplicate" });
  }
  // An edit after approval is re-approved as a newer version of the entry: the integration reverses
  // its cost and charges the difference, so it leaves no gap between the systems.
  for (const entry of editedEntries) {
    entry.duration += 60;
    const editedAt = new Date(Date.parse(entry.approvedDateUtc as string) + 2 * 86_400_000).toISOString().replace(".000Z", "Z");
    entry.approvedDateUtc = editedAt;
    push({ at: clock(start, editedAt), event: "timeEntryApproved", payload: { ...entry }, mess: "edited-after-approval" });
  }
  for (const claim of claims) push({ at: clock(start, claim.approvedDateUtc), event: "expenseApproved", payload: claim });
  for (const milestone of accepted) push({ at: clock(start, milestone.acceptedDateUtc), event: "milestoneAccepted", payload: milestone });
  for (const p of psaProjects.slice(0, 3)) push({ at: clock(start, p.activatedDateUtc) + 120_000, event: "projectActivated", payload: p, mess: "duplicate" });

  const manualChanges: ManualChange[] = [
    { kind: "erp-journal", projectId: journalled.projectId, cents: 250_000, narration: `Manual accrual on ${journalled.projectCode}` },
    { kind: "erp-receivable-adjustment", projectId: adjusted.projectId, cents: -15_000 },
    { kind: "erp-payment", projectId: paidOutside.projectId, cents: 50_000 },
  ];
  seededGaps.push(
    { subject: `project:${journalled.projectId}:${period}`, cause: "manual-erp-journal", detail: `a journal of 2500.00 was posted by hand to ${journalled.projectCode} in the ERP` },
    { subject: `invoice:${adjusted.projectId}:${period}`, cause: "receivable-adjusted", detail: `the ERP receivable of ${adjusted.projectCode}'s invoice was reduced by 150.00 by hand` },
    { subject: `invoice:${paidOutside.projectId}:${period}`, cause: "payment-outside-billing", detail: `a payment of 500.00 for ${paidOutside.projectCode} was recorded in the ERP only` },
  );

  const payments = projects
    .filter((p) => p.billingModel === "time-and-materials" && p.projectId !== noContract.projectId && p.projectId !== paidOutside.projectId)
    .filter(() => mess.chance(0.7))
    .map((p) => ({ projectId: p.projectId, share: mess.chance(0.15) ? 0.5 : 1 }));

  const clientById = new Map(clients.map((c) => [c.clientId, c]));
  const contracts = projects.flatMap<Contract>((p) =>
    p.contractId === undefined
      ? []
      : [
          {
            contractId: p.contractId,
            contractNumber: `SOW-${p.projectCode}`,
            clientId: p.clientId,
            legalEntityId: p.legalEntityId,
            billingModel: p.billingModel,
            currency: p.currency,
            rateCardId: p.rateCardId,
            poNumber: `PO-${p.projectCode.replace(/-/g, "")}`,
            paymentTermsDays: (clientById.get(p.clientId) as Client).paymentTermsDays,
            startDate: p.startDate,
            status: "active",
          },
        ],
  );

  const billingSchedules = projects.flatMap<BillingSchedule>((p) => {
    const mine = accepted.filter((m) => m.projectId === p.projectId);
    if (p.contractId === undefined || mine.length === 0) return [];
    return [
      {
        billingScheduleId: `BS-${p.projectCode}`,
        contractId: p.contractId,
        projectId: p.projectId,
        currency: p.currency,
        totalAmount: toDecimal(mine.reduce((sum, m) => sum + m.rate.value * 100, 0)),
        frequency: "milestone",
        installments: mine.map((m, i) => ({ installmentId: `BS-${p.projectCode}-${i + 1}`, milestoneId: m.taskId, plannedDate: m.dueDateUtc.slice(0, 10), amount: toDecimal(m.rate.value * 100) })),
        status: "active",
      },
    ];
  });

  // Stable order: by time, then by the order of creation.
  const ordered = events.map((e, i) => [e, i] as const).sort((a, b) => a[0].at - b[0].at || a[1] - b[1]).map(([e]) => e);
  return {
    seed: options.seed,
    period,
    start,
    legalEntities,
    rateCards,
    resources,
    clients,
    contracts,
    billingSchedules,
    projects,
    psaProjects,
    timeEntries: entries,
    expenses: claims,
    milestones: accepted,
    events: ordered,
    manualChanges,
    payments,
    seededGaps,
  };
}
