/**
 * Kestrel Advisory's three systems as fakes that answer like their APIs: bearer tokens checked,
 * idempotency keys honoured, customers upserted by external id, and the ERP numbering the journals
 * it accepts KJ-0001, KJ-0002, ... in the order it accepts them, reversals included (projects get an
 * id of their own); the billing platform withdraws a line not yet invoiced on a DELETE.
 */
import { createFakeTarget, type FakeTarget } from "../../../src/testing/fake-target.ts";

/** The tokens the fakes require, given to the runtime as its environment. */
export const TOKENS = { PSA_TOKEN: "psa-token", ERP_TOKEN: "erp-token", BILLING_TOKEN: "billing-token" } as const;

export interface KestrelSystems {
  psa: FakeTarget;
  erp: FakeTarget;
  billing: FakeTarget;
}

/** The fakes, on the harness's clock. */
export function kestrelSystems(now: () => number): KestrelSystems {
  let journals = 0;
  const erpId = (request: { path: string; body: unknown }) => {
    // Postings and reversals are journals alike, numbered in one sequence.
    if (request.path.endsWith("/journals") || request.path.endsWith("/reversals")) return `KJ-${String(++journals).padStart(4, "0")}`;
    const projectId = (request.body as { projectId?: unknown } | null)?.projectId;
    return request.path.endsWith("/projects") && typeof projectId === "string" ? `ERP-${projectId}` : undefined;
  };
  return {
    psa: createFakeTarget({ name: "psa", auth: { header: "authorization", value: `Bearer ${TOKENS.PSA_TOKEN}` }, now }),
    erp: createFakeTarget({ name: "erp", auth: { header: "authorization", value: `Bearer ${TOKENS.ERP_TOKEN}` }, now, id: erpId }),
    billing: createFakeTarget({ name: "billing", auth: { header: "authorization", value: `Bearer ${TOKENS.BILLING_TOKEN}` }, externalIdField: "externalId", now }),
  };
}
