/** An operation's write-back is checked at compile time: the fields exist on the entity, and the system owns each one. */
import { describe, expect, it } from "vitest";
import { runCli, writeSpecSet } from "../../src/testing/spec-fixtures.ts";

const files: Record<string, string> = {
  "erp.yaml": `apiVersion: syncspec.dev/v1
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
      writeBack: { entity: TimeEntry, key: request.reference, fields: { costPostingId: answer.JournalID } }
---
apiVersion: syncspec.dev/v1
kind: System
metadata: { name: psa }
spec: { role: psa, baseUrl: { env: PSA_URL }, auth: { type: bearer, token: { secret: psa-token } } }
`,
  "model.yaml": `apiVersion: syncspec.dev/v1
kind: Entity
metadata: { name: TimeEntry }
spec:
  identity: [timeEntryId]
  fields:
    timeEntryId: { type: string, required: true }
    costPostingId: { type: string }
    invoiceId: { type: string }
---
apiVersion: syncspec.dev/v1
kind: Ownership
metadata: { name: time-entry }
spec:
  entity: TimeEntry
  systemOfRecord: psa
  steward: delivery-ops
  create: [psa]
  fields: { costPostingId: { systemOfRecord: erp } }
`,
};

async function validate(from: string, to: string) {
  const source = files["erp.yaml"] as string;
  expect(source).toContain(from);
  const dir = writeSpecSet({ ...files, "erp.yaml": source.replace(from, to) });
  const result = await runCli(["validate", ".", "--format", "json"], dir);
  const report = JSON.parse(result.stdout) as { diagnostics: { code: string; line: number; column: number; message: string }[] };
  return { code: result.code, diagnostics: report.diagnostics.map((d) => ({ code: d.code, line: d.line, column: d.column, message: d.message })) };
}

describe("write-back", () => {
  it("accepts a write-back of a field the system owns", async () => {
    expect(await validate("", "")).toEqual({ code: 0, diagnostics: [] });
  });

  it("refuses a write-back to a field the system does not own, naming its owner", async () => {
    expect(await validate("fields: { costPostingId: answer.JournalID }", "fields: { invoiceId: answer.JournalID }")).toEqual({
      code: 1,
      diagnostics: [{ code: "write-back-not-owner", line: 15, column: 73, message: "erp writes back TimeEntry.invoiceId, but psa owns that field: only its system of record may write it" }],
    });
  });

  it("reports a written-back field the entity does not have, with the closest one", async () => {
    expect(await validate("fields: { costPostingId: answer.JournalID }", "fields: { costPostingID: answer.JournalID }")).toEqual({
      code: 1,
      diagnostics: [{ code: "unknown-field", line: 15, column: 73, message: "'costPostingID' is not a field of entity TimeEntry; did you mean 'costPostingId'?" }],
    });
  });
});
