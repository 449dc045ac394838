/**
 * What the firm's master data gives the runtime before the month starts: reference data (legal
 * entities, rate cards, consultants, clients, contracts, billing schedules) and the
 * cross-references that already exist (each consultant's contact in the ERP). Projects are not
 * preloaded: opportunity-to-project keeps each one from its activation event.
 */
import type { Store } from "../runtime/store/store.ts";
import type { Month } from "./month/types.ts";

/** Loads a month's master data into the store; returns how many records it wrote. */
export async function loadReferenceData(store: Store, month: Month, now: number): Promise<number> {
  const tables: [string, readonly Record<string, unknown>[], string][] = [
    ["LegalEntity", month.legalEntities as unknown as Record<string, unknown>[], "legalEntityId"],
    ["RateCard", month.rateCards as unknown as Record<string, unknown>[], "rateCardId"],
    ["Resource", month.resources as unknown as Record<string, unknown>[], "resourceId"],
    ["Client", month.clients as unknown as Record<string, unknown>[], "clientId"],
    ["Contract", month.contracts as unknown as Record<string, unknown>[], "contractId"],
    ["BillingSchedule", month.billingSchedules as unknown as Record<string, unknown>[], "billingScheduleId"],
  ];
  let written = 0;
  for (const [entity, records, key] of tables) {
    for (const record of records) {
      await store.putReferenceData(entity, String(record[key]), record);
      written++;
    }
  }
  for (const resource of month.resources) {
    await store.putXref("Resource", "psa", resource.resourceId, "erp", resource.erpContactId, now);
    written++;
  }
  return written;
}
