import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { lintProgram } from "../../src/compiler/lint/lint.ts";
import { loadProgram } from "../../src/compiler/program.ts";
import { sharedAvailable, sharedPath, shouldRun } from "../../src/testing/environment.ts";
import { runCli, writeSpecSet } from "../../src/testing/spec-fixtures.ts";
import { XERO_SIGNATURE } from "../../src/encoding/xero-webhook.ts";
import { VENDOR_IMPORTS } from "./workflows.ts";

const run = shouldRun("the vendors' OpenAPI documents in ../shared", sharedAvailable("real-world", "openapi"));

describe.runIf(run)("importing the vendors' published OpenAPI documents", () => {
  it.each(VENDOR_IMPORTS)("imports the $role workflow operations of $system: it validates, and lint asks only for the quotas", async (vendor) => {
    const dir = writeSpecSet({ "syncspec.yaml": "specs: [specs]\n" });
    const out = `specs/systems/${vendor.system}.yaml`;
    const args = ["import", "openapi", sharedPath(...vendor.document), "--system", vendor.system, "--role", vendor.role, "--team", "integration-team"];
    const result = await runCli([...args, "--operations", vendor.operations.join(","), "--out", out], dir);
    expect(result.stderr).toMatch(new RegExp(`^wrote ${out}: ${vendor.operations.length} operations, \\d+ schemas;`));
    expect(result.code).toBe(0);

    const program = loadProgram({ cwd: dir, paths: [out] });
    expect(program.diagnostics.map((d) => `${d.code}: ${d.message}`)).toEqual([]);
    const spec = program.set.systems.get(vendor.system)?.value.spec;
    expect(Object.keys(spec?.operations ?? {})).toEqual([...vendor.operations]);

    const text = readFileSync(join(dir, out), "utf8");
    expect(text).toContain("#   - spec.quotas: the document does not state the vendor's rate limits");
    const findings = lintProgram(program).map((d) => `${d.code}: ${d.message}`);
    expect(findings).toEqual([`system-quotas: system ${vendor.system} declares no quotas: the runtime cannot keep to the vendor's rate limits`]);
  });

  it("imports only what is asked from a large document", async () => {
    const chargebee = VENDOR_IMPORTS.find((v) => v.system === "chargebee");
    const dir = writeSpecSet({});
    const result = await runCli(["import", "openapi", sharedPath(...(chargebee?.document ?? [])), "--system", "cb", "--operations", "retrieve_a_customer"], dir);
    expect(result.code).toBe(0);
    const schemas = result.stdout.slice(result.stdout.indexOf("\n  schemas:\n"));
    expect([...schemas.matchAll(/^ {4}([A-Za-z][\w-]*):$/gm)].map((m) => m[1])).toEqual(["Card", "Customer", "retrieve_a_customerResponse"]);
  });

  it("reads Xero's tenant header, idempotency header and OAuth 2.0 scopes from the document", async () => {
    const dir = writeSpecSet({});
    const result = await runCli(["import", "openapi", sharedPath("real-world", "openapi", "xero", "xero_accounting.yaml"), "--system", "erp", "--operations", "createInvoices,getInvoice"], dir);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      [
        "  auth:",
        "    type: oauth2-client-credentials",
        "    tokenUrl: { env: ERP_TOKEN_URL, default: https://identity.xero.com/connect/token }",
        "    clientId: { env: ERP_CLIENT_ID }",
        "    clientSecret: { secret: erp/client-secret }",
        "    scopes: [ accounting.transactions, accounting.transactions.read ]",
        "    tenantHeader:",
        "      name: xero-tenant-id",
        "      value: { env: ERP_TENANT_ID }",
      ].join("\n"),
    );
    expect(result.stdout).toContain("      idempotency: { mechanism: key-header, header: Idempotency-Key }");
  });

  it("imports Xero's webhooks as events signed the way the receiver verifies them", async () => {
    const dir = writeSpecSet({});
    const document = sharedPath("real-world", "openapi", "xero", "xero-webhooks.yaml");
    const args = ["import", "openapi", document, "--system", "erp-events", "--role", "erp", "--operations", "publishInvoiceEvent,publishCreditNoteEvent"];
    const result = await runCli([...args, "--out", "erp-events.yaml"], dir);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/^wrote erp-events\.yaml: 0 operations, 2 events, 2 schemas;/);
    const program = loadProgram({ cwd: dir, paths: ["erp-events.yaml"] });
    expect(program.diagnostics.map((d) => `${d.code}: ${d.message}`)).toEqual([]);
    const events = program.set.systems.get("erp-events")?.value.spec.events ?? {};
    expect(Object.keys(events)).toEqual(["publishInvoiceEvent", "publishCreditNoteEvent"]);
    expect(events["publishInvoiceEvent"]).toEqual({
      description: "Invoices Webhook Endpoint",
      delivery: "webhook",
      payload: "WebhookEvent",
      webhook: { path: "/webhooks/erp-events/invoices", signature: { ...XERO_SIGNATURE, secret: { secret: "erp-events/webhook-key" } } },
    });
    expect(events["publishCreditNoteEvent"]?.payload).toBe("CreditNoteWebhookEvent");
  });
});
