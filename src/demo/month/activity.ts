/**
 * The month's work: time entries logged on working days in quarter-hour blocks and approved in
 * weekly batches, expense claims, and fixed-fee milestones the clients accept.
 */
import type { Random } from "../random.ts";
import type { Project, PsaExpense, PsaMilestone, PsaTimeEntry, Resource } from "./types.ts";

const TASK_WORDS = ["Workshop", "Analysis", "Design review", "Stakeholder interviews", "Build", "Testing", "Reporting", "Steering meeting"];
const EXPENSES = [
  { category: "TRAVEL", text: "Train to client site" },
  { category: "ACCOMMODATION", text: "Hotel near client office" },
  { category: "MEALS", text: "Team dinner during workshop week" },
  { category: "MILEAGE", text: "Mileage to client site" },
  { category: "SOFTWARE", text: "Diagramming licence for the engagement" },
  { category: "OTHER", text: "Printing of workshop material" },
] as const;

/** The working days (Monday to Friday) of the month starting `start` (`YYYY-MM-01`). */
export function workingDays(start: string): string[] {
  const days: string[] = [];
  const first = new Date(`${start}T00:00:00Z`);
  for (let d = new Date(first); d.getUTCMonth() === first.getUTCMonth(); d.setUTCDate(d.getUTCDate() + 1)) {
    const weekday = d.getUTCDay();
    if (weekday !== 0 && weekday !== 6) days.push(d.toISOString().slice(0, 10));
  }
  return days;
}

/** The Friday on or after `day`, at 17:00 plus `minute` minutes. */
function approvalTime(day: string, extraDays: number, minute: number): string {
  const d = new Date(`${day}T17:00:00Z`);
  d.setUTCDate(d.getUTCDate() + ((5 - d.getUTCDay() + 7) % 7) + extraDays);
  d.setUTCMinutes(minute % 60);
  return d.toISOString().replace(".000Z", "Z");
}

/** Which projects each consultant works on: two to four projects of the consultant's company. */
export function staffing(random: Random, resources: readonly Resource[], projects: readonly Project[]): Map<string, Project[]> {
  const byEntity = new Map<string, Project[]>();
  for (const p of projects) byEntity.set(p.legalEntityId, [...(byEntity.get(p.legalEntityId) ?? []), p]);
  const result = new Map<string, Project[]>();
  resources.forEach((r, i) => {
    const pool = byEntity.get(r.legalEntityId) ?? projects;
    const count = Math.min(pool.length, random.int(2, 4));
    const chosen: Project[] = [];
    for (let k = 0; k < count; k++) chosen.push(pool[(i + k * 7) % pool.length] as Project);
    result.set(r.resourceId, [...new Set(chosen)]);
  });
  // Every project gets somebody, so every project has time to reconcile.
  projects.forEach((p, i) => {
    const people = resources.filter((r) => r.legalEntityId === p.legalEntityId);
    const person = people[i % Math.max(1, people.length)] ?? resources[i % resources.length];
    if (person === undefined) return;
    const list = result.get(person.resourceId) ?? [];
    if (!list.includes(p)) list.push(p);
    result.set(person.resourceId, list);
  });
  return result;
}

/** Time entries: `total` of them, spread over the consultants and working days. */
export function timeEntries(
  random: Random,
  start: string,
  resources: readonly Resource[],
  assignment: ReadonlyMap<string, Project[]>,
  total: number,
): PsaTimeEntry[] {
  const days = workingDays(start);
  const entries: PsaTimeEntry[] = [];
  const perPerson = Math.floor(total / resources.length);
  const extra = total - perPerson * resources.length;
  resources.forEach((resource, index) => {
    const projects = assignment.get(resource.resourceId) ?? [];
    const count = perPerson + (index < extra ? 1 : 0);
    const tasks = new Map(projects.map((p) => [p.projectId, random.uuid()]));
    for (let n = 0; n < count; n++) {
      const day = days[Math.floor((n * days.length) / count)] as string;
      const project = projects[random.int(0, projects.length - 1)] as Project;
      const internal = random.chance(0.08);
      const chargeType = internal ? "NON_CHARGEABLE" : project.billingModel === "fixed-fee" ? "FIXED" : "TIME";
      const unapproved = random.chance(0.01);
      const late = !unapproved && random.chance(0.04);
      const entry: PsaTimeEntry = {
        timeEntryId: random.uuid(),
        userId: resource.resourceId,
        projectId: project.projectId,
        taskId: tasks.get(project.projectId) as string,
        dateUtc: `${day}T00:00:00Z`,
        dateEnteredUtc: `${day}T18:${String(n % 60).padStart(2, "0")}:00Z`,
        duration: 15 * random.int(1, 8),
        description: `${random.pick(TASK_WORDS)} for ${project.name}`,
        status: "ACTIVE",
        chargeType,
        approvalStatus: unapproved ? "SUBMITTED" : "APPROVED",
      };
      if (!unapproved) {
        entry.approvedDateUtc = approvalTime(day, late ? random.int(10, 14) : 0, n);
        entry.approverUserId = (resources[(index + 3) % resources.length] as Resource).resourceId;
      }
      entries.push(entry);
    }
  });
  return entries;
}

/** Expense claims, about fifteen per consultant, some re-billable to the client. */
export function expenses(
  random: Random,
  start: string,
  resources: readonly Resource[],
  assignment: ReadonlyMap<string, Project[]>,
): PsaExpense[] {
  const days = workingDays(start);
  const claims: PsaExpense[] = [];
  for (const resource of resources) {
    const projects = assignment.get(resource.resourceId) ?? [];
    const count = random.int(10, 20);
    for (let n = 0; n < count; n++) {
      const project = projects[random.int(0, projects.length - 1)] as Project;
      const kind = random.pick(EXPENSES);
      const day = random.pick(days);
      claims.push({
        expenseId: random.uuid(),
        projectId: project.projectId,
        userId: resource.resourceId,
        dateUtc: `${day}T00:00:00Z`,
        description: kind.text,
        category: kind.category,
        amount: { currency: project.currency, value: random.int(800, 45_000) / 100 },
        isChargeable: project.billingModel === "time-and-materials" && random.chance(0.6),
        approvalStatus: "APPROVED",
        approvedDateUtc: approvalTime(day, 0, n),
      });
    }
  }
  return claims;
}

/** One or two accepted milestones on each fixed-fee project. */
export function milestones(random: Random, start: string, projects: readonly Project[]): PsaMilestone[] {
  const days = workingDays(start);
  const result: PsaMilestone[] = [];
  for (const project of projects) {
    if (project.billingModel !== "fixed-fee") continue;
    const count = random.int(1, 2);
    for (let n = 0; n < count; n++) {
      const day = days[Math.min(days.length - 1, 8 + n * 8 + random.int(0, 3))] as string;
      result.push({
        taskId: random.uuid(),
        projectId: project.projectId,
        name: `Phase ${n + 1} sign-off`,
        rate: { currency: project.currency, value: random.int(8, 60) * 1000 },
        chargeType: "FIXED",
        status: "ACTIVE",
        dueDateUtc: `${day}T00:00:00Z`,
        completedDateUtc: `${day}T12:00:00Z`,
        acceptedDateUtc: `${day}T16:30:00Z`,
        milestoneStatus: "ACCEPTED",
        billingScheduleId: `BS-${project.projectCode}`,
      });
    }
  }
  return result;
}
