/**
 * A lookup of several records: every record kept from events whose fields match the key's values,
 * as a list by key, read as the event is processed (records kept by earlier events count), and an
 * empty list when none matches, which the route guards with a reject step.
 */
import { describe, expect, it } from "vitest";
import { FILES, setUp } from "./state-fixture.ts";

/** The fixture with a route that lists the projects kept in an expense's currency. */
function listing(): Record<string, string> {
  const { "specs/expense-to-journal.yaml": _priced, ...files } = FILES;
  return {
    ...files,
    "specs/route.yaml": `apiVersion: syncspec.dev/v1
kind: Route
metadata: { name: currency-projects, version: 1.0.0, team: finance-ops }
spec:
  trigger: { event: psa.expenseApproved }
  idempotencyKey: [expenseId]
  steps:
    - id: projects
      enrich: { lookup: records, entity: Project, match: [currency], key: currency, as: projects }
    - id: none
      when: $count(projects) = 0
      reject: { reason: no-project-in-currency, message: '"No project is kept in " & currency', queue: currency-review, owner: finance-ops }
    - id: post
      deliver: { operation: erp.postJournal, mapping: projects-to-journal }
  policies:
    retry: { maxAttempts: 3, backoff: fixed, initialDelay: 1s, maxDelay: 1s }
    deadLetter: { queue: costs-dead }
    exceptions: { queue: cost-exceptions, owner: finance-ops }
---
apiVersion: syncspec.dev/v1
kind: Mapping
metadata: { name: projects-to-journal, version: 1.0.0, team: finance-ops }
spec:
  source: { system: psa, schema: Expense }
  target: { system: erp, schema: Journal }
  lookups: { projects: { kind: reference-data, entity: Project } }
  expression: '{ "amount": $string($count($projects)), "currency": currency, "rate": $join($projects.projectId, ",") }'
`,
  };
}

describe("a lookup of several records", () => {
  it("gives every kept record whose fields match, by key, including those kept by earlier events", async () => {
    const { store, erp, runtime, activate, offer, expense } = await setUp(listing());
    await activate("KA-P04", "EUR", "2026-03-02T08:10:00Z");
    await activate("KA-P01", "GBP", "2026-03-02T08:11:00Z");
    await activate("KA-P03", "EUR", "2026-03-02T08:12:00Z");
    await runtime.drain();
    await offer([{ ...expense("EX-1", "2026-03-06"), currency: "EUR" }]);
    await runtime.drain();
    expect(erp.ledger.map((e) => e.body)).toEqual([{ amount: "2", currency: "EUR", rate: "KA-P03,KA-P04" }]);
    await activate("KA-P02", "EUR", "2026-03-03T08:12:00Z");
    await runtime.drain();
    await offer([{ ...expense("EX-2", "2026-03-06"), currency: "EUR" }]);
    await runtime.drain();
    expect(erp.ledger.map((e) => (e.body as { rate: string }).rate)).toEqual(["KA-P03,KA-P04", "KA-P02,KA-P03,KA-P04"]);
    await store.close();
  });

  it("gives an empty list when none matches: the route's reject step files it, and nothing is sent", async () => {
    const { store, erp, runtime, activate, offer, expense } = await setUp(listing());
    await activate("KA-P04", "EUR", "2026-03-02T08:10:00Z");
    await runtime.drain();
    await offer([{ ...expense("EX-1", "2026-03-06"), currency: "USD" }]);
    await runtime.drain();
    expect(erp.ledger).toEqual([]);
    const issues = await store.listIssues({ queue: "currency-review" });
    expect(issues.map((i) => [i.reasonCode, i.reason, i.status])).toEqual([["no-project-in-currency", "no-project-in-currency: No project is kept in USD", "open"]]);
    await store.close();
  });
});
