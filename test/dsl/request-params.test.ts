/**
 * A deliver step's query and header parameters in the DSL (`query <name>: {{ ... }}`,
 * `header <name>: {{ ... }}` beside path parameters), and a field's replicas in an ownership
 * (`field x owned by erp replicated to psa`): read into the model the YAML gives, located, and
 * printed back by `spec fmt` as written.
 */
import { describe, expect, it } from "vitest";
import { createSourceFile } from "../../src/compiler/diagnostics/source-file.ts";
import { documentsToDsl } from "../../src/compiler/parse/dsl/convert.ts";
import { formatDsl } from "../../src/compiler/parse/dsl/format.ts";
import { readDsl } from "../../src/compiler/parse/dsl/parse-dsl.ts";

const ROUTE = `route invoice-status {
  on schedule "0 2 * * *"
  steps {
    list: deliver erp.listInvoices using no-body with tenant: {{ "KA-UK" }}, query DateFrom: {{ $now() }}, query page: {{ 1 }}, header Xero-Tenant-Id: {{ "t-1" }}
  }
}
`;

const OWNERSHIP = `ownership time-entry {
  entity TimeEntry owned by psa
  created by psa
  field costPostingId owned by erp replicated to psa
  field invoiceId owned by billing, updated by billing, erp replicated to psa, erp
}
`;

const read = (text: string) => readDsl(createSourceFile("file.sync", text));

describe("query and header parameters in the DSL", () => {
  it("reads them under query and headers, beside the path parameters", () => {
    const { documents, diagnostics } = read(ROUTE);
    expect(diagnostics).toEqual([]);
    const steps = (documents[0]?.value as { spec: { steps: unknown[] } } | undefined)?.spec.steps;
    expect(steps).toEqual([
      {
        id: "list",
        deliver: {
          operation: "erp.listInvoices",
          mapping: "no-body",
          params: { tenant: '"KA-UK"' },
          query: { DateFrom: "$now()", page: "1" },
          headers: { "Xero-Tenant-Id": '"t-1"' },
        },
      },
    ]);
  });

  it("locates each parameter at its name", () => {
    const [doc] = read(ROUTE).documents;
    if (doc === undefined) throw new Error("the route did not read");
    const textAt = (at: { start: number; end: number }) => ROUTE.slice(at.start, at.end);
    expect(textAt(doc.locate(["spec", "steps", 0, "deliver", "headers", "Xero-Tenant-Id"], "key"))).toBe("Xero-Tenant-Id");
    expect(textAt(doc.locate(["spec", "steps", 0, "deliver", "query", "page"]))).toBe("{{ 1 }}");
    expect(textAt(doc.locate(["spec", "steps", 0, "deliver", "params", "tenant"], "key"))).toBe("tenant");
  });

  it("prints them back as written, and formatting is stable", () => {
    const [formatted, diagnostics] = formatDsl(createSourceFile("route.sync", ROUTE));
    expect(diagnostics).toEqual([]);
    expect(formatted).toContain('list: deliver erp.listInvoices using no-body with tenant: {{ "KA-UK" }}, query DateFrom: {{ $now() }}, query page: {{ 1 }}, header Xero-Tenant-Id: {{ "t-1" }}\n');
    expect(read(formatted ?? "").documents.map((d) => d.value)).toEqual(read(ROUTE).documents.map((d) => d.value));
    expect(formatDsl(createSourceFile("again.sync", formatted ?? ""))[0]).toBe(formatted);
  });

  it("prints a YAML deliver step with query and headers in the DSL", () => {
    const yaml = { apiVersion: "syncspec.dev/v1", kind: "Route", metadata: { name: "r" }, spec: { trigger: { schedule: "@daily" }, steps: [{ id: "list", deliver: { operation: "erp.listInvoices", query: { page: "1" }, headers: { "X-Ledger": "ledger" } } }] } };
    const printed = documentsToDsl([yaml]);
    expect(printed).toContain("list: deliver erp.listInvoices with query page: {{ 1 }}, header X-Ledger: {{ ledger }}\n");
    expect(read(printed).documents.map((d) => d.value)).toEqual([yaml]);
  });
});

describe("a field's replicas in the DSL", () => {
  it("reads them beside the field's owner and updaters, and prints them back", () => {
    const { documents, diagnostics } = read(OWNERSHIP);
    expect(diagnostics).toEqual([]);
    expect((documents[0]?.value as { spec: { fields: unknown } } | undefined)?.spec.fields).toEqual({
      costPostingId: { systemOfRecord: "erp", replicas: ["psa"] },
      invoiceId: { systemOfRecord: "billing", update: ["billing", "erp"], replicas: ["psa", "erp"] },
    });
    const printed = documentsToDsl(documents.map((d) => d.value));
    expect(printed).toContain("field costPostingId owned by erp replicated to psa\n");
    expect(printed).toContain("field invoiceId owned by billing, updated by billing, erp replicated to psa, erp\n");
    expect(read(printed).documents.map((d) => d.value)).toEqual(documents.map((d) => d.value));
  });
});
