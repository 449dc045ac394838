/** A small OpenAPI 3.0 document exercising what the importer reads, for tests that need no vendor file. */
export const PETSTORE_BILLING = `openapi: 3.0.3
info: { title: Tiny Billing, version: 2.1.0 }
servers:
  - url: "{scheme}://{region}.tiny.example/api/v2"
    variables:
      scheme: { default: https }
      region: { default: eu }
security:
  - Basic: []
paths:
  /customers:
    parameters:
      - $ref: "#/components/parameters/tenant"
    post:
      operationId: createCustomer
      summary: Create a customer
      parameters:
        - { name: Idempotency-Key, in: header, schema: { type: string } }
      requestBody:
        content:
          application/json:
            schema: { $ref: "#/components/schemas/CustomerInput" }
      responses:
        "201":
          description: created
          content:
            application/json:
              schema: { $ref: "#/components/schemas/Customer" }
    get:
      operationId: listCustomers
      parameters:
        - { name: page, in: query, required: true, schema: { type: integer } }
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  customers: { type: array, items: { $ref: "#/components/schemas/Customer" } }
  /invoices:
    post:
      operationId: createInvoice
      requestBody:
        content:
          application/x-www-form-urlencoded:
            schema:
              type: object
              example: { customer_id: c1 }
              properties:
                customer_id: { type: string, description: "<p>The <b>customer</b>.</p>" }
                charges:
                  type: object
                  properties:
                    amount: { type: array, items: { type: integer, minimum: 0, exclusiveMinimum: true } }
                address: { $ref: "#/components/schemas/Customer/allOf/1/properties/address" }
                dangling: { $ref: "#/components/schemas/Customer/properties/address" }
      responses:
        "200": { $ref: "#/components/responses/InvoiceCreated" }
  /reports:
    get:
      operationId: getReport
      responses:
        "200": { description: ok, content: { text/csv: { schema: { type: string } } } }
components:
  securitySchemes:
    Basic: { type: http, scheme: basic }
  parameters:
    tenant: { name: Tiny-Tenant-Id, in: header, required: true, schema: { type: string } }
  responses:
    InvoiceCreated:
      description: created
      content:
        application/json:
          schema: { $ref: "#/components/schemas/Invoice" }
  schemas:
    CustomerInput:
      type: object
      required: [name]
      properties:
        name: { type: string, example: Acme }
        address: { $ref: "#/components/schemas/Address" }
    Customer:
      allOf:
        - $ref: "#/components/schemas/CustomerInput"
        - type: object
          properties:
            id: { type: string }
            address:
              type: object
              properties: { line1: { type: string } }
    Address:
      type: object
      properties: { city: { type: string }, country: { type: string } }
    Invoice:
      type: object
      properties:
        id: { type: string }
        customer: { $ref: "#/components/schemas/Customer" }
    "400":
      type: object
    Unused:
      type: object
      properties: { never: { type: string } }
`;
