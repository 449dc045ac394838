/** A deliver step's query and header parameters are checked against the ones its operation declares, located, with did-you-mean. */
import { describe, expect, it } from "vitest";
import { runCli, writeSpecSet } from "../../src/testing/spec-fixtures.ts";

const files: Record<string, string> = {
  "systems.yaml": `apiVersion: syncspec.dev/v1
kind: System
metadata: { name: psa }
spec:
  role: psa
  baseUrl: { env: PSA_URL }
  auth: { type: bearer, token: { secret: psa-token } }
  schemas:
    Time: { type: object, properties: { timeEntryId: { type: string }, tenant: { type: string }, minutes: { type: integer }, draft: { type: boolean } } }
  events: { timeApproved: { delivery: webhook, payload: Time, webhook: { path: /hooks/psa } } }
---
apiVersion: syncspec.dev/v1
kind: System
metadata: { name: erp }
spec:
  role: erp
  baseUrl: { env: ERP_URL }
  auth: { type: bearer, token: { secret: erp-token } }
  schemas: { Journal: { type: object } }
  operations:
    postJournal:
      method: POST
      path: /journals
      effect: create
      request: Journal
      parameters:
        query: { draft: { type: boolean }, page: { type: integer } }
        headers: { Xero-Tenant-Id: { type: string, required: true } }
`,
  "route.yaml": `apiVersion: syncspec.dev/v1
kind: Route
metadata: { name: journals }
spec:
  trigger: { event: psa.timeApproved }
  idempotencyKey: [timeEntryId]
  steps:
    - deliver: { operation: erp.postJournal, query: { draft: draft, page: minutes }, headers: { xero-tenant-id: tenant } }
`,
};

interface Found {
  code: string;
  line: number;
  column: number;
  message: string;
}

async function validate(from: string, to: string) {
  const source = files["route.yaml"] as string;
  expect(source).toContain(from);
  const dir = writeSpecSet({ ...files, "route.yaml": source.replace(from, to) });
  const result = await runCli(["validate", ".", "--format", "json"], dir);
  return { code: result.code, diagnostics: (JSON.parse(result.stdout) as { diagnostics: Found[] }).diagnostics.map((d) => ({ code: d.code, line: d.line, column: d.column, message: d.message })) };
}

describe("query and header parameters", () => {
  it("accepts the declared parameters, header names in any case, with values of their types", async () => {
    expect(await validate("", "")).toEqual({ code: 0, diagnostics: [] });
  });

  it("reports a query parameter the operation does not declare, with the closest one", async () => {
    expect(await validate("page: minutes", "pag: minutes")).toEqual({
      code: 1,
      diagnostics: [{ code: "unknown-request-param", line: 8, column: 69, message: "'pag' is not a query parameter of erp.postJournal; did you mean 'page'?" }],
    });
  });

  it("reports a required header the step does not give", async () => {
    expect(await validate(", headers: { xero-tenant-id: tenant }", "")).toEqual({
      code: 1,
      diagnostics: [{ code: "missing-request-param", line: 8, column: 7, message: "erp.postJournal requires the header parameter 'Xero-Tenant-Id', which the step does not give" }],
    });
  });

  it("reports a value of another type than the parameter's", async () => {
    expect(await validate("page: minutes", "page: tenant")).toEqual({
      code: 1,
      diagnostics: [{ code: "request-param-type", line: 8, column: 75, message: "the parameter 'page' is an integer, but the expression gives a string" }],
    });
  });

  it("reports a parameter reading a $variable no step binds", async () => {
    const found = await validate("headers: { xero-tenant-id: tenant }", "headers: { xero-tenant-id: $priorJournl.tenant }");
    expect(found.code).toBe(1);
    expect(found.diagnostics).toEqual([
      { code: "unbound-variable", line: 8, column: 113, message: "'$priorJournl' is not bound at this step: no earlier step enriches the record as 'priorJournl'; known names are '$class'" },
    ]);
  });

  it("reports a misspelt field read by a parameter's expression", async () => {
    expect(await validate("headers: { xero-tenant-id: tenant }", "headers: { xero-tenant-id: tenat }")).toEqual({
      code: 1,
      diagnostics: [{ code: "unknown-field", line: 8, column: 113, message: "'tenat' is not a field of psa schema Time; did you mean 'tenant'?" }],
    });
  });
});
