/**
 * What the firm's master data gives the runtime before the month starts: reference data (legal
 * entities, effective-dated rate cards, consultants, clients, contracts, billing schedules), each
 * loaded as a checked version through the runtime's loading API as `spec data load` does, and the
 * cross-references that already exist (each consultant's contact in the ERP). Projects are not
 * preloaded: opportunity-to-project keeps each one from its activation event.
 */
import type { CompiledSpecSet } from "../runtime/pipeline.ts";
import { loadReferenceData as loadVersion } from "../runtime/state/load.ts";
import { referenceEntity } from "../runtime/state/reference-rows.ts";
import type { Store } from "../runtime/store/store.ts";
import type { Month } from "./month/types.ts";

/** The month's reference tables: entity, records and identity field. */
function tables(month: Month): [string, readonly unknown[], string][] {
  return [
    ["LegalEntity", month.legalEntities, "legalEntityId"],
    ["RateCard", month.rateCards, "rateCardId"],
    ["Resource", month.resources, "resourceId"],
    ["Client", month.clients, "clientId"],
    ["Contract", month.contracts, "contractId"],
    ["BillingSchedule", month.billingSchedules, "billingScheduleId"],
  ];
}

/** Loads a month's master data into the store; returns how many records it wrote. */
export async function loadReferenceData(store: Store, compiled: CompiledSpecSet, month: Month, now: number): Promise<number> {
  let written = 0;
  for (const [name, records, identity] of tables(month)) {
    const validator = compiled.validators[name];
    if (validator === undefined) throw new Error(`the spec set has no entity ${name} for the month's reference data`);
    const entity = referenceEntity(name, [identity], {}, validator);
    const file = `month ${month.period} (seed ${month.seed}) ${name}`;
    const result = await loadVersion(store, entity, { file, bytes: new TextEncoder().encode(JSON.stringify(records)) }, { now, actor: "spec demo" });
    if (!result.ok) throw new Error(`the month's ${name} data does not load: ${result.problems.map((p) => `${p.at ?? p.file}: ${p.message}`).join("; ")}`);
    written += records.length;
  }
  for (const resource of month.resources) {
    await store.putXref("Resource", "psa", resource.resourceId, "erp", resource.erpContactId, now);
    written++;
  }
  return written;
}
