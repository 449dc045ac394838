import { describe, expect, it } from "vitest";
import { loadProgram } from "../../src/compiler/program.ts";
import { writeSpecSet } from "../../src/testing/spec-fixtures.ts";
import { PETSTORE_BILLING } from "./fixtures.ts";

const SYSTEM = `apiVersion: syncspec.dev/v1
kind: System
metadata: { name: tiny, version: 1.0.0, team: billing-ops, description: Tiny billing. }
spec:
  role: billing
  baseUrl: { env: TINY_BASE_URL, default: "https://eu.tiny.example/api/v2" }
  auth: { type: bearer, token: { secret: tiny/token } }
  openapi:
    document: ../vendor/tiny.yaml
    operations: [createCustomer, createInvoice]
  schemas:
    Address: { type: object, properties: { city: { type: string } } }
  operations:
    createInvoice: { method: POST, path: /invoices, effect: create, request: Address, encoding: form }
`;

function load(system: string, document = PETSTORE_BILLING) {
  const dir = writeSpecSet({ "vendor/tiny.yaml": document, "specs/tiny.yaml": system });
  return { program: loadProgram({ cwd: dir, paths: ["specs"] }), text: system };
}

describe("a System referencing an OpenAPI document", () => {
  it("takes the named operations and their schemas from the document; what the System declares wins", () => {
    const { program } = load(SYSTEM);
    expect(program.diagnostics).toEqual([]);
    const spec = program.set.systems.get("tiny")?.value.spec;
    expect(Object.keys(spec?.operations ?? {}).sort()).toEqual(["createCustomer", "createInvoice"]);
    expect(spec?.operations?.["createCustomer"]).toMatchObject({ request: "CustomerInput", response: "Customer" });
    expect(spec?.operations?.["createInvoice"]).toEqual({ method: "POST", path: "/invoices", effect: "create", request: "Address", encoding: "form" });
    expect(spec?.schemas?.["Address"]).toEqual({ type: "object", properties: { city: { type: "string" } } });
    expect(Object.keys(spec?.schemas ?? {}).sort()).toEqual(["Address", "Customer", "CustomerInput", "Invoice", "createInvoiceRequest"]);
  });

  it("reports an operationId the document lacks at its place in the list, with the closest one", () => {
    const text = SYSTEM.replace("[createCustomer, createInvoice]", "[createCustomer, createInvoce]");
    const { program } = load(text);
    expect(program.ok).toBe(false);
    const [d] = program.diagnostics;
    expect(program.diagnostics).toHaveLength(1);
    expect(d?.code).toBe("unknown-reference");
    expect(d?.message).toBe("unknown operationId 'createInvoce' in ../vendor/tiny.yaml; did you mean 'createInvoice'?");
    expect(d?.location?.start).toBe(text.indexOf("createInvoce]"));
    expect(d?.location?.end).toBe(text.indexOf("createInvoce]") + "createInvoce".length);
  });

  it("reports a missing document at the document key's value", () => {
    const text = SYSTEM.replace("../vendor/tiny.yaml", "../vendor/tinyy.yaml");
    const { program } = load(text);
    expect(program.diagnostics.map((d) => [d.code, d.message, d.location?.start])).toEqual([
      ["path-not-found", "../vendor/tinyy.yaml does not exist", text.indexOf("../vendor/tinyy.yaml")],
    ]);
  });

  it("reports a document that is not OpenAPI 3", () => {
    const { program, text } = load(SYSTEM, "swagger: '2.0'\n");
    expect(program.diagnostics.map((d) => [d.code, d.message, d.location?.start])).toEqual([
      [
        "file-unreadable",
        "cannot read the file: ../vendor/tiny.yaml is not a usable OpenAPI document: it is Swagger 2.0; convert it to OpenAPI 3 first",
        text.indexOf("../vendor/tiny.yaml"),
      ],
    ]);
  });

  it("checks mappings against the document's schemas, so a vendor version that renames a field breaks the mapping", () => {
    const mapping = `apiVersion: syncspec.dev/v1
kind: Mapping
metadata: { name: customer-copy, version: 1.0.0, team: billing-ops, description: Copies a customer. }
spec:
  source: { system: tiny, schema: CustomerInput }
  target: { system: tiny, schema: CustomerInput }
  expression: |
    { "name": name }
`;
    const loadWith = (document: string) => {
      const dir = writeSpecSet({ "vendor/tiny.yaml": document, "specs/tiny.yaml": SYSTEM, "specs/customer-copy.yaml": mapping });
      return loadProgram({ cwd: dir, paths: ["specs"] }).diagnostics.map((d) => `${d.code}: ${d.message}`);
    };
    expect(loadWith(PETSTORE_BILLING)).toEqual([]);
    const renamed = PETSTORE_BILLING.replace("required: [name]", "required: [fullName]").replace("name: { type: string, example: Acme }", "fullName: { type: string }");
    expect(loadWith(renamed)).toEqual([
      "mapping-missing-field: the mapping never sets 'fullName', a required field of tiny schema CustomerInput",
      "mapping-unknown-target: the mapping sets 'name', which is not a field of tiny schema CustomerInput; known names are 'fullName', 'address'",
      "mapping-unknown-path: the mapping reads 'name', but 'name' is not a field of tiny schema CustomerInput; known names are 'fullName', 'address'",
    ]);
  });
});
