/** The DSL's state steps: lookups by a composite key, as of a date, with a wait, of several records, and keep; read into the model and printed back by `spec fmt`. */
import { describe, expect, it } from "vitest";
import { createSourceFile } from "../../src/compiler/diagnostics/source-file.ts";
import { documentsToDsl } from "../../src/compiler/parse/dsl/convert.ts";
import { readDsl } from "../../src/compiler/parse/dsl/parse-dsl.ts";

const ROUTE = `route expense-costs {
  on psa.expenseApproved
  key expenseId
  steps {
    project: enrich project with reference-data Project by projectId wait 30d
    fx: enrich fx with reference-data FxRate by currency, project.currency on expenseDate
    post: deliver erp.postJournal using expense-to-journal
    kept: keep Expense version approvedAt
    keep Expense
    earlier: enrich earlier with records Expense matching projectId, currency by projectId, currency
  }
}
`;

describe("lookups in the DSL", () => {
  it("reads a composite key, an as-of date, a wait and keep steps into the same model the YAML gives", () => {
    const read = readDsl(createSourceFile("route.sync", ROUTE));
    expect(read.diagnostics).toEqual([]);
    const [route] = read.documents;
    if (route === undefined) throw new Error("the route did not read");
    const steps = (route.value as { spec: { steps: unknown[] } }).spec.steps;
    expect(steps.slice(3)).toEqual([
      { id: "kept", keep: { entity: "Expense", version: "approvedAt" } },
      { keep: { entity: "Expense" } },
      { id: "earlier", enrich: { lookup: "records", entity: "Expense", match: ["projectId", "currency"], key: ["projectId", "currency"], as: "earlier" } },
    ]);
    expect(steps.slice(0, 2)).toEqual([
      { id: "project", enrich: { lookup: "reference-data", entity: "Project", key: "projectId", wait: "30d", as: "project" } },
      { id: "fx", enrich: { lookup: "reference-data", entity: "FxRate", key: ["currency", "project.currency"], asOf: "expenseDate", as: "fx" } },
    ]);
  });

  it("prints them back as written", () => {
    const read = readDsl(createSourceFile("route.sync", ROUTE));
    const printed = documentsToDsl(read.documents.map((d) => d.value));
    expect(printed).toContain("project: enrich project with reference-data Project by projectId wait 30d\n");
    expect(printed).toContain("fx: enrich fx with reference-data FxRate by currency, project.currency on expenseDate\n");
    expect(printed).toContain("kept: keep Expense version approvedAt\n");
    expect(printed).toContain("earlier: enrich earlier with records Expense matching projectId, currency by projectId, currency\n");
    const again = readDsl(createSourceFile("again.sync", printed));
    expect(again.documents.map((d) => d.value)).toEqual(read.documents.map((d) => d.value));
  });
});
