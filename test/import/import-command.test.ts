import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadProgram } from "../../src/compiler/program.ts";
import { runCli, writeSpecSet } from "../../src/testing/spec-fixtures.ts";
import { PETSTORE_BILLING } from "./fixtures.ts";

describe("spec import openapi", () => {
  it("prints a System spec headed by the editor's schema line and what is left to declare", async () => {
    const dir = writeSpecSet({ "vendor/tiny.yaml": PETSTORE_BILLING });
    const result = await runCli(["import", "openapi", "vendor/tiny.yaml", "--system", "tiny", "--role", "billing", "--team", "billing-ops", "--operations", "createCustomer"], dir);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe("");
    const lines = result.stdout.split("\n");
    expect(lines[0]).toBe("# yaml-language-server: $schema=https://syncspec.dev/schemas/v1/system.schema.json");
    expect(lines[1]).toBe("# Imported by `spec import openapi` from vendor/tiny.yaml.");
    expect(lines).toContain("  baseUrl: { env: TINY_BASE_URL, default: https://eu.tiny.example/api/v2 }");
    expect(result.stdout).toContain("#   - spec.quotas: the document does not state the vendor's rate limits");
    expect(result.stdout).not.toContain("metadata.team");
  });

  it("writes --out with the schema line relative to the project's schemas folder, and the file validates", async () => {
    const dir = writeSpecSet({ "vendor/tiny.yaml": PETSTORE_BILLING, "syncspec.yaml": "specs: [specs]\n", "schemas/system.schema.json": "{}" });
    const result = await runCli(["import", "openapi", "vendor/tiny.yaml", "--system", "tiny", "--operations", "createCustomer,createInvoice", "--out", "specs/systems/tiny.yaml"], dir);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe("wrote specs/systems/tiny.yaml: 2 operations, 5 schemas; 5 things to declare or check (see the comments at its top)\n");
    const text = readFileSync(join(dir, "specs/systems/tiny.yaml"), "utf8");
    expect(text.split("\n")[0]).toBe("# yaml-language-server: $schema=../../schemas/system.schema.json");
    const program = loadProgram({ cwd: dir, paths: ["specs/systems/tiny.yaml"] });
    expect(program.diagnostics.map((d) => `${d.code}: ${d.message}`)).toEqual([]);
    expect(program.set.systems.get("tiny")?.value.spec.operations?.["createInvoice"]?.encoding).toBe("form");
  });

  it("reports an unknown operationId with the closest one and exits 1", async () => {
    const dir = writeSpecSet({ "tiny.yaml": PETSTORE_BILLING });
    const result = await runCli(["import", "openapi", "tiny.yaml", "--system", "tiny", "--operations", "createCustomer,createInvoce"], dir);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain("error unknown-reference: unknown operationId 'createInvoce' in tiny.yaml; did you mean 'createInvoice'?");
  });

  it("reports a document that cannot be read and exits 1", async () => {
    const dir = writeSpecSet({ "old.yaml": "swagger: '2.0'\n" });
    const missing = await runCli(["import", "openapi", "nope.yaml", "--system", "tiny"], dir);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("error file-unreadable: cannot read the file: nope.yaml: the file does not exist");
    const swagger = await runCli(["import", "openapi", "old.yaml", "--system", "tiny"], dir);
    expect(swagger.code).toBe(1);
    expect(swagger.stderr).toContain("old.yaml: it is Swagger 2.0; convert it to OpenAPI 3 first");
  });

  it.each([
    [["import"], "name the format to import: openapi"],
    [["import", "wsdl", "a.xml"], "unknown import format 'wsdl'; use openapi"],
    [["import", "openapi"], "name the OpenAPI document to import"],
    [["import", "openapi", "a.yaml"], "name the system with --system <name>"],
    [["import", "openapi", "a.yaml", "--system", "9lives"], "--system '9lives' is not a name"],
    [["import", "openapi", "a.yaml", "--system", "a", "--role", "bank"], "unknown role 'bank'; use one of psa, erp, billing"],
    [["import", "openapi", "a.yaml", "--system", "a", "--operations", ","], "--operations names no operationId"],
    [["import", "openapi", "a.yaml", "--system", "a", "--colour"], "unknown option '--colour'; the options are --system, --role, --team, --operations, --out"],
  ])("refuses %j with a usage error (exit 2)", async (args, message) => {
    const result = await runCli(args, writeSpecSet({}));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stderr).toContain("usage: spec import openapi <file> --system <name>");
  });
});
