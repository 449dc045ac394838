/**
 * The month's credit hold: credit control puts one client on hold in the ERP before the billing
 * term closes and lifts it once the term's invoices are out. The runtime learns of both by polling
 * the ERP's contact list (client-credit-control keeps the client's state); invoice-release holds
 * the client's invoices while it is on hold and releases them when it is active again, before
 * payments are collected and the month is reconciled, so they are reconciled like any other.
 */
import type { Runtime } from "../runtime/engine.ts";
import { createPoller } from "../runtime/intake/polling.ts";
import type { CompiledSpecSet } from "../runtime/pipeline.ts";
import type { AuditEntry } from "../runtime/store/roles/audit.ts";
import type { Month } from "./month/types.ts";

/** The client held, and when the hold is put on and lifted (ISO instants). */
export interface CreditHold {
  clientId: string;
  name: string;
  heldAt: string;
  releasedAt: string;
}

/** What the hold came to: the client's invoices blocked, and released. */
export interface CreditHoldSummary {
  client: string;
  blocked: number;
  released: number;
}

/**
 * The client to hold: one with billable approved time on a time-and-materials project that has its
 * contract (so the term invoices it), preferring one whose projects no seeded gap is about; by name.
 */
export function creditHoldOf(month: Month): CreditHold | undefined {
  const messy = new Set(month.seededGaps.map((g) => g.subject.split(":")[1]));
  const billable = new Set(month.timeEntries.filter((t) => t.chargeType === "TIME" && t.approvalStatus === "APPROVED").map((t) => t.projectId));
  const projectsOf = (clientId: string) => month.projects.filter((p) => p.clientId === clientId);
  const invoiced = (clientId: string) => projectsOf(clientId).some((p) => billable.has(p.projectId) && p.billingModel === "time-and-materials" && p.contractId !== undefined);
  const untouched = (clientId: string) => projectsOf(clientId).every((p) => !messy.has(p.projectId));
  const client = month.clients
    .filter((c) => invoiced(c.clientId))
    .sort((a, b) => Number(untouched(b.clientId)) - Number(untouched(a.clientId)) || a.name.localeCompare(b.name))[0];
  if (client === undefined) return undefined;
  return { clientId: client.clientId, name: client.name, heldAt: `${month.period}-25T09:00:00Z`, releasedAt: `${month.period}-31T20:00:00Z` };
}

/**
 * Polls every polling event of the spec set once, as `spec run`'s poller does on its interval; a
 * poll the simulators fail is tried again (the cursor has not moved). Returns the items read and
 * the events accepted.
 */
export async function pollOnce(compiled: CompiledSpecSet, runtime: Runtime, attempts = 10): Promise<{ items: number; accepted: number }> {
  const poller = createPoller(compiled, runtime);
  let accepted = 0;
  let items = 0;
  for (const [system, definition] of Object.entries(compiled.systems)) {
    for (const [event, spec] of Object.entries(definition.events)) {
      if (spec.delivery !== "polling") continue;
      for (let attempt = 1; ; attempt++) {
        try {
          const result = await poller.pollOnce(system, event);
          accepted += result.accepted;
          items += result.items;
          break;
        } catch (error) {
          if (attempt >= attempts) throw error;
          await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
        }
      }
    }
  }
  return { items, accepted };
}

/** The invoices the hold blocked (rejected as client-on-hold) and those released, from the audit trail. */
export function creditHoldSummary(hold: CreditHold | undefined, audit: readonly AuditEntry[]): CreditHoldSummary | undefined {
  if (hold === undefined) return undefined;
  const blocked = new Set(audit.filter((r) => r.action === "event.rejected" && (r.detail as { code?: string } | null)?.code === "client-on-hold").map((r) => r.subject));
  const released = new Set(audit.filter((r) => r.action === "event.released" && blocked.has(r.subject)).map((r) => r.subject));
  return { client: hold.name, blocked: blocked.size, released: released.size };
}
