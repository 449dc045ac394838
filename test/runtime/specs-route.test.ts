/**
 * The project's own spec set (specs/) hosted by the runtime: approved time through the
 * time-to-revenue route, with reference data and cross-references seeded as the upstream routes
 * would leave them.
 */
import { describe, expect, it } from "vitest";
import { loadProgram } from "../../src/compiler/program.ts";
import { compileInMemory } from "../../src/testing/compile-in-memory.ts";
import { createRuntime } from "../../src/runtime/engine.ts";
import { createSqliteStore } from "../../src/runtime/store/sqlite.ts";
import { projectRoot } from "../../src/testing/environment.ts";
import type { Transport } from "../../src/runtime/delivery/transport.ts";
import { createFakeTarget, fakeTransport } from "../../src/testing/fake-target.ts";

const PROJECT = "b021e7cb-1903-4292-b48b-5b27b4271e3e";
const RESOURCE = "740add2a-a703-4b8a-a670-1093919c2040";

const entry = (id: string, chargeType: "TIME" | "NON_CHARGEABLE", minutes: number) => ({
  timeEntryId: id,
  userId: RESOURCE,
  projectId: PROJECT,
  taskId: "7be77337-feec-4458-bb1b-dbaa5a4aafce",
  dateUtc: "2026-03-10T00:00:00Z",
  duration: minutes,
  description: "Data model workshop",
  status: "ACTIVE",
  chargeType,
  approvalStatus: "APPROVED",
  approvedDateUtc: "2026-03-13T16:40:00Z",
  approverUserId: "0b5e2c9a-6d1f-4e3a-9b8c-7d6e5f4a3b2c",
});

/** The fake's ids as Xero's: a journal id is a UUID (`erp-7` becomes `...-000000000007`). */
function xeroId(id: string): string {
  return `00000000-0000-4000-8000-${(/[0-9]+$/.exec(id)?.[0] ?? "0").padStart(12, "0")}`;
}

/** Answers the ERP's journal postings as Xero does: the journals posted, each with its ManualJournalID. */
function xeroAnswers(transport: Transport): Transport {
  return async (request) => {
    const answer = await transport(request);
    const body = answer.body as { id?: string; ManualJournals?: Record<string, unknown>[] } | undefined;
    if (request.system !== "erp" || answer.status >= 300 || body?.ManualJournals === undefined) return answer;
    return { ...answer, body: { ManualJournals: body.ManualJournals.map((j) => ({ ...j, ManualJournalID: xeroId(String(body.id)) })) } };
  };
}

describe("the time-to-revenue route of specs/", () => {
  it("costs approved time in the ERP once, and charges billable time on the project's subscription", async () => {
    const program = loadProgram({ cwd: projectRoot });
    expect(program.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const compiled = compileInMemory(program);
    const store = await createSqliteStore({ path: ":memory:" });
    const erp = createFakeTarget({ name: "erp", auth: { header: "authorization", value: "Bearer token" } });
    const billing = createFakeTarget({ name: "billing" });
    // Every credential the systems reference resolves to a placeholder; URLs to the fake hosts.
    const env = new Proxy({} as Record<string, string>, {
      get: (_, name) => (typeof name !== "string" ? undefined : name.endsWith("_URL") ? "http://fake.test" : `${name.toLowerCase()}-value`),
    });
    const targets = xeroAnswers(fakeTransport([erp, billing]));
    let now = Date.UTC(2026, 2, 14);
    const runtime = createRuntime({
      compiled,
      store,
      env,
      clock: { now: () => now },
      random: () => 0.5,
      // The ERP's quota spaces its requests a second apart: waiting moves the test's clock.
      sleep: async (ms) => {
        now += ms;
      },
      transport: targets,
      fetchToken: async () => ({ access_token: "token", expires_in: 3600 }),
    });
    await store.putReferenceData("Project", PROJECT, {
      projectId: PROJECT,
      clientId: "216830cb-9a68-487e-928b-c1a7ccc4fc81",
      contractId: "7f3c2a10-5b8e-4d6f-a1c9-2e4b6d8f0a13",
      legalEntityId: "HRC-UK",
      currency: "GBP",
      rateCardId: "RC-UK-2026",
    });
    await store.putReferenceData("RateCard", "RC-UK-2026", { rateCardId: "RC-UK-2026", lines: [{ role: "senior-consultant", billRate: "150.00", costRate: "68.50" }] });
    await store.putReferenceData("Resource", RESOURCE, { resourceId: RESOURCE, role: "senior-consultant" });
    await store.putReferenceData("LegalEntity", "HRC-UK", {
      legalEntityId: "HRC-UK",
      projectTrackingCategoryId: "4b7c1d2e-3f40-4a51-9b62-7c83d94e0f15",
      ledgerAccounts: { costOfSales: "5000", costClearing: "2150", revenue: "4000", unbilledRevenue: "1210" },
    });
    await store.putXref("Project", "psa", PROJECT, "erp", "9a1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d", now);
    await store.putXref("Project", "psa", PROJECT, "billing", PROJECT, now);

    const offered = await runtime.offer({ system: "psa", event: "timeEntryApproved" }, [
      entry("3cd35eca-704f-4bca-b258-236028ae8ed1", "TIME", 450),
      entry("5d6e7f80-91a2-4b3c-8d4e-5f6a7b8c9d0e", "NON_CHARGEABLE", 60),
      entry("3cd35eca-704f-4bca-b258-236028ae8ed1", "TIME", 450),
    ]);
    expect(offered.outcomes.map((o) => o.status)).toEqual(["accepted", "accepted", "duplicate"]);
    for (let i = 0; i < 3; i++) {
      await runtime.drain();
      now += 60_000;
    }
    const journals = erp.ledger.map((e) => [e.operation, (e.body as { ManualJournals: { JournalLines: { LineAmount: string; AccountCode: string }[] }[] }).ManualJournals[0]?.JournalLines]);
    const cost = (amount: string) => [expect.objectContaining({ LineAmount: amount, AccountCode: "5000" }), expect.objectContaining({ LineAmount: `-${amount}`, AccountCode: "2150" })];
    const revenue = (amount: string) => [expect.objectContaining({ LineAmount: amount }), expect.objectContaining({ LineAmount: `-${amount}` })];
    // 7.5 h and 1 h at the senior cost rate; the billable 7.5 h raised as revenue at the bill rate.
    // The two entries are different events: their journals may reach the ERP in either order.
    expect(journals).toHaveLength(3);
    expect(journals).toEqual(
      expect.arrayContaining([
        ["postCostJournal", cost("513.75")],
        ["postCostJournal", cost("68.50")],
        ["postRevenueJournal", revenue("1125.00")],
      ]),
    );
    // Only the billable entry is charged, on its project's subscription: the path parameter comes
    // from the step's params, and the form body does not repeat it.
    expect(billing.ledger.map((e) => [e.method, e.path])).toEqual([["POST", `/subscriptions/${PROJECT}/add_charge_at_term_end`]]);
    expect(billing.ledger[0]?.body).toEqual({ amount: "112500", description: expect.stringContaining("7.50 h senior-consultant at 150.00 GBP") });
    expect(await store.listIssues()).toEqual([]);
    // Each costed entry is kept with the ERP's journal id written back onto it.
    const costPostings = erp.ledger.filter((e) => e.operation === "postCostJournal").map((e) => xeroId(e.id));
    const kept = await Promise.all(
      ["3cd35eca-704f-4bca-b258-236028ae8ed1", "5d6e7f80-91a2-4b3c-8d4e-5f6a7b8c9d0e"].map(async (id) => {
        const found = await store.findRecord("TimeEntry", id);
        return found.found ? (found.value as Record<string, unknown>)["costPostingId"] : undefined;
      }),
    );
    expect([...kept].sort()).toEqual([...costPostings].sort());
    await store.close();
  });
});
