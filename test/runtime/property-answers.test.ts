import { describe, expect, it } from "vitest";
import type { OperationDefinition } from "../../src/runtime/pipeline.ts";
import { withWrittenBackFields } from "../../src/testing/properties/answers.ts";

const operation = (fields: Record<string, string>) => ({ writeBack: { entity: "TimeEntry", key: "request.id", fields } }) as unknown as OperationDefinition;
const ids = () => {
  let n = 0;
  return () => `id-${++n}`;
};

describe("the property checker's answers to operations that write back", () => {
  it("adds each field a plain answer path reads, inside the echoed lists and objects", () => {
    const echoed = { status: 201, headers: {}, body: { id: "erp-1", ManualJournals: [{ Narration: "Labour" }] } };
    const answer = withWrittenBackFields(operation({ costPostingId: "answer.ManualJournals[0].ManualJournalID", other: "answer.Meta.ref" }), echoed, ids());
    expect(answer.body).toEqual({ id: "erp-1", ManualJournals: [{ Narration: "Labour", ManualJournalID: "id-1" }], Meta: { ref: "id-2" } });
    // The echo itself is left as the fake returned it.
    expect(echoed.body.ManualJournals[0]).toEqual({ Narration: "Labour" });
  });

  it("keeps a value the answer gives, and leaves failures, other expressions and operations without write-back alone", () => {
    const given = { status: 200, headers: {}, body: { Invoices: [{ InvoiceID: "kept" }] } };
    expect(withWrittenBackFields(operation({ erpInvoiceId: "answer.Invoices[0].InvoiceID" }), given, ids()).body).toEqual(given.body);
    const failed = { status: 422, headers: {}, body: { message: "no" } };
    expect(withWrittenBackFields(operation({ a: "answer.x" }), failed, ids())).toBe(failed);
    expect(withWrittenBackFields(operation({ a: "$string(answer.x)" }), given, ids()).body).toEqual(given.body);
    expect(withWrittenBackFields({} as OperationDefinition, given, ids())).toBe(given);
  });
});
