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

  describe("announcing the written-back value to the systems that show it", () => {
    const announcing = {
      ...files,
      "erp.yaml": (files["erp.yaml"] as string)
        .replace("fields: { costPostingId: answer.JournalID } }", "fields: { costPostingId: answer.JournalID }, emit: TimeCostPosted }")
        .replace(
          "spec: { role: psa, baseUrl: { env: PSA_URL }, auth: { type: bearer, token: { secret: psa-token } } }",
          `spec:
  role: psa
  baseUrl: { env: PSA_URL }
  auth: { type: bearer, token: { secret: psa-token } }
  schemas: { JournalShown: { type: object, required: [journalId], properties: { journalId: { type: string } } } }
  operations:
    showJournal: { method: PUT, path: "/time-entries/{timeEntryId}/journal", effect: update, entity: TimeEntry, request: JournalShown }`,
        ),
      "model.yaml": (files["model.yaml"] as string).replace("fields: { costPostingId: { systemOfRecord: erp } }", "fields: { costPostingId: { systemOfRecord: erp, replicas: [psa] } }"),
      "journal-to-psa.sync": `mapping journal-shown {
  from TimeEntry
  to psa.JournalShown
  expression {{ { "journalId": costPostingId } }}
}

route journal-to-psa {
  on canonical TimeCostPosted
  key timeEntryId, costPostingId
  steps {
    show: deliver psa.showJournal using journal-shown with timeEntryId: {{ timeEntryId }}
  }
}
`,
    };

    async function check(edit: (files: Record<string, string>) => Record<string, string>, command = "validate") {
      const dir = writeSpecSet(edit({ ...announcing }));
      const result = await runCli([command, ".", "--format", "json"], dir);
      const report = JSON.parse(result.stdout) as { diagnostics: { code: string; file: string; line: number; column: number; message: string }[] };
      return { code: result.code, diagnostics: report.diagnostics.map((d) => ({ code: d.code, line: d.line, column: d.column, message: d.message })) };
    }

    it("accepts a route triggered by the write-back's event that shows the value in the system holding a replica of the field", async () => {
      expect(await check((f) => f)).toEqual({ code: 0, diagnostics: [] });
    });

    it("reports a route that reads a field the write-back's event does not carry", async () => {
      const result = await check((f) => ({ ...f, "journal-to-psa.sync": (f["journal-to-psa.sync"] as string).replace("key timeEntryId, costPostingId", "key timeEntryId, invoiceId") }));
      expect(result).toEqual({
        code: 1,
        diagnostics: [
          {
            code: "unknown-field",
            line: 9,
            column: 20,
            message: "'invoiceId' is not a field of entity TimeEntry as its write-back announces it (timeEntryId, costPostingId); known names are 'timeEntryId', 'costPostingId'",
          },
        ],
      });
    });

    it("reports a mapping that reads, from the write-back's event, a field the event does not carry", async () => {
      const result = await check((f) => ({ ...f, "journal-to-psa.sync": (f["journal-to-psa.sync"] as string).replace('{ "journalId": costPostingId }', '{ "journalId": costPostingId & invoiceId }') }));
      expect(result).toEqual({
        code: 1,
        diagnostics: [
          {
            code: "mapping-input-mismatch",
            line: 11,
            column: 41,
            message:
              "mapping 'journal-shown' reads entity TimeEntry, but the record at this step is entity TimeEntry as its write-back announces it (timeEntryId, costPostingId), which lacks entity TimeEntry's required invoiceId",
          },
        ],
      });
    });

    it("reports a write-back that announces an event another publisher gives another entity", async () => {
      const result = await check((f) => ({
        ...f,
        "erp.yaml": (f["erp.yaml"] as string).replace(
          "  operations:\n    postJournal:",
          `  operations:
    postInvoice:
      method: POST
      path: /invoices
      effect: create
      request: Journal
      writeBack: { entity: Invoice, key: request.number, fields: { erpInvoiceId: answer.InvoiceID }, emit: TimeCostPosted }
    postJournal:`,
        ),
        "invoice.yaml": "apiVersion: syncspec.dev/v1\nkind: Entity\nmetadata: { name: Invoice }\nspec:\n  identity: [invoiceId]\n  fields:\n    invoiceId: { type: string, required: true }\n    erpInvoiceId: { type: string }\n",
      }));
      expect(result.code).toBe(1);
      expect(result.diagnostics.filter((d) => d.code === "write-back-event-entity")).toEqual([
        {
          code: "write-back-event-entity",
          line: 15,
          column: 108,
          message: "this write-back announces TimeCostPosted carrying Invoice, but erp.postJournal publishes TimeCostPosted carrying TimeEntry: a canonical event carries one entity; give this write-back an event of its own",
        },
        {
          code: "write-back-event-entity",
          line: 21,
          column: 114,
          message: "this write-back announces TimeCostPosted carrying TimeEntry, but erp.postInvoice publishes TimeCostPosted carrying Invoice: a canonical event carries one entity; give this write-back an event of its own",
        },
      ]);
    });

    it("reports, in lint, the value shown in a system that holds no replica of the field", async () => {
      const result = await check((f) => ({ ...f, "model.yaml": (f["model.yaml"] as string).replace("replicas: [psa] ", "") }), "lint");
      expect(result.diagnostics.filter((d) => d.code === "write-to-owner")).toEqual([
        { code: "write-to-owner", line: 11, column: 19, message: "this step shows TimeEntry.costPostingId, written back by erp, in psa, which holds no replica of that field (add it to the field's replicas)" },
      ]);
    });
  });
});
