import { describe, expect, it } from "vitest";
import { importOpenApi } from "../../src/compiler/import/import-openapi.ts";
import { parseOpenApiDocument, type OpenApiDocument } from "../../src/compiler/import/openapi-document.ts";
import { effectOf } from "../../src/compiler/import/operations.ts";
import { shortDescription } from "../../src/compiler/import/schemas.ts";
import { PETSTORE_BILLING } from "./fixtures.ts";

function tiny(text = PETSTORE_BILLING): OpenApiDocument {
  const [document, reason] = parseOpenApiDocument("tiny.yaml", text);
  if (document === undefined) throw new Error(reason);
  return document;
}

describe("importOpenApi", () => {
  it("imports only the asked operations and the component schemas they reach, with $refs pointing at #/schemas", () => {
    const { document, unknown } = importOpenApi(tiny(), { system: "tiny", role: "billing", operations: ["createCustomer"] });
    expect(unknown).toEqual([]);
    expect(Object.keys(document.spec.operations ?? {})).toEqual(["createCustomer"]);
    expect(Object.keys(document.spec.schemas ?? {})).toEqual(["Address", "Customer", "CustomerInput"]);
    expect(document.spec.schemas?.["CustomerInput"]).toEqual({
      type: "object",
      required: ["name"],
      properties: { name: { type: "string" }, address: { $ref: "#/schemas/Address" } },
    });
    expect(document.spec.operations?.["createCustomer"]).toEqual({
      method: "POST",
      path: "/customers",
      effect: "create",
      description: "Create a customer",
      request: "CustomerInput",
      response: "Customer",
      idempotency: { mechanism: "key-header", header: "Idempotency-Key" },
    });
  });

  it("names inline bodies after the operation, marks form bodies and inlines a $ref into another schema's properties", () => {
    const { document, notes } = importOpenApi(tiny(), { system: "tiny", operations: ["createInvoice"] });
    expect(notes).toContain("the document's $ref '#/components/schemas/Customer/properties/address' points at nothing; it was imported as an open schema");
    expect(document.spec.schemas?.["createInvoiceRequest"]?.properties?.["dangling"]).toEqual({});
    const op = document.spec.operations?.["createInvoice"];
    expect(op).toMatchObject({ request: "createInvoiceRequest", encoding: "form", response: "Invoice", idempotency: { mechanism: "none" } });
    const request = document.spec.schemas?.["createInvoiceRequest"];
    expect(request?.properties?.["address"]).toEqual({ type: "object", properties: { line1: { type: "string" } } });
    expect(request?.properties?.["customer_id"]).toEqual({ type: "string", description: "The customer ." });
    expect(request).not.toHaveProperty("example");
    expect(request?.properties?.["charges"]?.properties?.["amount"]?.items).toEqual({ type: "integer", exclusiveMinimum: 0 });
  });

  it("turns the security scheme into auth with secrets by reference, the tenant header into tenantHeader, the server into a base URL setting", () => {
    const { document } = importOpenApi(tiny(), { system: "tiny-bill", operations: ["createCustomer"] });
    expect(document.spec.auth).toEqual({
      type: "basic",
      username: { secret: "tiny-bill/username" },
      password: { secret: "tiny-bill/password" },
      tenantHeader: { name: "Tiny-Tenant-Id", value: { env: "TINY_BILL_TENANT_ID" } },
    });
    expect(document.spec.baseUrl).toEqual({ env: "TINY_BILL_BASE_URL", default: "https://eu.tiny.example/api/v2" });
  });

  it("maps OAuth 2.0, bearer and API-key schemes", () => {
    const withScheme = (scheme: string) =>
      importOpenApi(tiny(PETSTORE_BILLING.replace("Basic: { type: http, scheme: basic }", `Basic: ${scheme}`)), {
        system: "t",
        operations: ["createCustomer"],
      }).document.spec.auth;
    expect(withScheme("{ type: http, scheme: bearer }")).toMatchObject({ type: "bearer", token: { secret: "t/token" } });
    expect(withScheme("{ type: apiKey, in: header, name: X-Api-Key }")).toMatchObject({ type: "api-key", header: "X-Api-Key", key: { secret: "t/api-key" } });
    expect(withScheme("{ type: oauth2, flows: { clientCredentials: { tokenUrl: 'https://id.example/token', scopes: {} } } }")).toMatchObject({
      type: "oauth2-client-credentials",
      tokenUrl: { env: "T_TOKEN_URL", default: "https://id.example/token" },
      clientId: { env: "T_CLIENT_ID" },
      clientSecret: { secret: "t/client-secret" },
    });
  });

  it("lists what the architect must still declare, and what the model cannot carry", () => {
    const { notes } = importOpenApi(tiny(), { system: "tiny", operations: ["listCustomers", "getReport"] });
    expect(notes).toEqual([
      "spec.role: set to 'other'; say what the system is for the firm (psa, erp, billing...)",
      "spec.quotas: the document does not state the vendor's rate limits; declare requestsPerMinute (and burst, concurrency) from the vendor's documentation",
      "metadata.team: name the team that owns this system",
      "spec.operations.*.entity: name the canonical entity each operation reads or writes, where routes deliver to it",
      "operation listCustomers requires the query parameter 'page', which the System model does not declare: the route must supply it",
    ]);
  });

  it("reports operationIds the document lacks, with the closest one", () => {
    const { unknown } = importOpenApi(tiny(), { system: "tiny", operations: ["createCustomer", "createInvoce", "zzz"] });
    expect(unknown).toEqual([
      { id: "createInvoce", index: 1, suggestion: "createInvoice" },
      { id: "zzz", index: 2 },
    ]);
  });

  it("refuses documents that are not OpenAPI 3", () => {
    expect(parseOpenApiDocument("a.yaml", "swagger: '2.0'\n")[1]).toBe("it is Swagger 2.0; convert it to OpenAPI 3 first");
    expect(parseOpenApiDocument("a.yaml", "openapi: 4.0.0\n")[1]).toBe("its OpenAPI version 4.0.0 is not 3.0 or 3.1");
    expect(parseOpenApiDocument("a.yaml", "- a\n")[1]).toBe("it is not an OpenAPI document (not a mapping)");
    expect(parseOpenApiDocument("a.json", "{")[1]).toMatch(/^it is not valid JSON: /);
  });
});

describe("effectOf", () => {
  it.each([
    ["get", "getInvoice", "read"],
    ["put", "createInvoices", "create"],
    ["post", "updateOrCreateInvoices", "upsert"],
    ["post", "updateInvoice", "update"],
    ["post", "record_payment_for_an_invoice", "create"],
    ["post", "void_an_invoice", "update"],
    ["delete", "deleteTimeEntry", "delete"],
    ["patch", "patchProject", "update"],
  ] as const)("classifies %s %s as %s", (method, id, effect) => {
    expect(effectOf(method, id)).toBe(effect);
  });
});

describe("shortDescription", () => {
  it("removes markup and cuts long text at a word, marking the cut", () => {
    const long = `<p>${"word ".repeat(80)}</p>`;
    const short = shortDescription(long);
    expect(short.length).toBeLessThanOrEqual(241);
    expect(short.endsWith("word…")).toBe(true);
    expect(short).not.toContain("<p>");
  });
});
