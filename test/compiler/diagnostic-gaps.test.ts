import { describe, expect, it } from "vitest";
import { runCli, writeSpecSet } from "../../src/testing/spec-fixtures.ts";

interface Found {
  code: string;
  file: string | null;
  line: number | null;
  column: number | null;
  message: string;
}

/** `spec validate --format json` over a spec set: the exit code and the diagnostics. */
async function validate(files: Record<string, string>) {
  const result = await runCli(["validate", ".", "--format", "json"], writeSpecSet(files));
  expect(result.stderr).toBe("");
  return { code: result.code, diagnostics: (JSON.parse(result.stdout) as { diagnostics: Found[] }).diagnostics };
}

const billing = (idempotencyHeader: string, pattern: string) => `apiVersion: syncspec.dev/v1
kind: System
metadata: { name: billing }
spec:
  role: billing
  baseUrl: { env: BILLING_URL }
  auth: { type: bearer, token: { secret: billing-token } }
  operations:
    addCharge: { method: POST, path: /charges, effect: create, request: Charge, idempotency: { mechanism: key-header, header: ${JSON.stringify(idempotencyHeader)} } }
  schemas:
    Charge: { type: object, properties: { code: { type: string, pattern: ${JSON.stringify(pattern)} } } }
`;

const psa = `apiVersion: syncspec.dev/v1
kind: System
metadata:
  name: psa
spec:
  role: psa
  baseUrl: { env: PSA_URL }
  auth: { type: bearer, token: { secret: psa-token } }
  schemas:
    Project: { type: object, properties: { id: { type: string } } }
`;

const project = `apiVersion: syncspec.dev/v1
kind: Entity
metadata: { name: Project }
spec:
  identity: [id]
  fields:
    id: { type: string }
`;

const ownership = (systemOfRecord: string, create: string) => `apiVersion: syncspec.dev/v1
kind: Ownership
metadata: { name: project-ownership }
spec:
  entity: Project
  systemOfRecord: ${systemOfRecord}
  steward: delivery-ops
  create: [${create}]
`;

const mapping = `apiVersion: syncspec.dev/v1
kind: Mapping
metadata: { name: psa-project-to-project }
spec:
  source: { system: psa, schema: Project }
  target: { entity: Project }
  expression: |
    { "id": id }
`;

describe("diagnostics the front end used to get wrong", () => {
  it("reports a missing apiVersion once per document", async () => {
    const { code, diagnostics } = await validate({ "a.yaml": project.replace("apiVersion: syncspec.dev/v1\n", "") });
    expect(code).toBe(1);
    expect(diagnostics.filter((d) => d.message.includes("'apiVersion'")).map((d) => [d.code, d.line, d.column, d.message])).toEqual([
      ["missing-key", 1, 1, "the document is missing the required key 'apiVersion'"],
    ]);
  });

  it("reports a spec nested 5,000 deep as the nesting limit, not as a stack overflow", async () => {
    const { code, diagnostics } = await validate({ "a.yaml": `${project}  deep: ${"[".repeat(5000)}${"]".repeat(5000)}\n` });
    expect(code).toBe(1);
    expect(diagnostics.map((d) => [d.code, d.file, d.message])).toEqual([["nesting-too-deep", "a.yaml", "nesting deeper than 64 levels; flatten the document"]]);
    expect(diagnostics[0]?.line).toBe(8);
  });

  it("reports a JSON Schema pattern that is not a regular expression at validate, on the pattern", async () => {
    const { code, diagnostics } = await validate({ "billing.yaml": billing("Idempotency-Key", "([a-z]") });
    expect(code).toBe(1);
    expect(diagnostics.map((d) => [d.code, d.file, d.line, d.column, d.message])).toEqual([
      ["invalid-pattern", "billing.yaml", 11, 74, "'([a-z]' is not a valid regular expression: Unterminated group"],
    ]);
  });

  it("accepts a pattern that is a regular expression", async () => {
    const { code, diagnostics } = await validate({ "billing.yaml": billing("Idempotency-Key", "^[A-Z]{3}-\\d+$") });
    expect(diagnostics).toEqual([]);
    expect(code).toBe(0);
  });

  it("refuses an idempotency header that is not a valid HTTP header name", async () => {
    const { code, diagnostics } = await validate({ "billing.yaml": billing("Idempotency Key:", "^[a-z]+$") });
    expect(code).toBe(1);
    expect(diagnostics.map((d) => [d.code, d.file, d.line, d.column])).toEqual([["invalid-header-name", "billing.yaml", 9, 127]]);
    expect(diagnostics[0]?.message).toMatch(/^'Idempotency Key:' is not a valid HTTP header name/);
  });

  it("reports one syntax error in a YAML file once, not as unknown references in the files that name what it declares", async () => {
    const { code, diagnostics } = await validate({
      "psa.yaml": psa.replace("  role: psa\n", "  role: [psa\n"),
      "project.yaml": project,
      "ownership.yaml": ownership("psa", "psa"),
      "mapping.yaml": mapping,
    });
    expect(code).toBe(1);
    expect(diagnostics.map((d) => `${d.file}:${d.code}`)).toEqual(["psa.yaml:yaml-syntax"]);
  });

  it("still reports a misspelt reference beside a file that does not parse", async () => {
    const { diagnostics } = await validate({
      "psa.yaml": psa.replace("  role: psa\n", "  role: [psa\n"),
      "project.yaml": project,
      "ownership.yaml": ownership("psa", "pas"),
    });
    expect(diagnostics.map((d) => `${d.file}:${d.code}:${d.message}`)).toEqual([
      "ownership.yaml:unknown-reference:unknown system 'pas'",
      expect.stringMatching(/^psa\.yaml:yaml-syntax:/),
    ]);
  });

  it("reports one syntax error in a DSL file once, not as unknown references in the files that name what it declares", async () => {
    const { code, diagnostics } = await validate({
      "systems.sync": `system psa {\n  role: psa\n  baseUrl: { env: PSA_URL }\n  auth: { type: bearer, token: { secret: psa-token } \n  schemas: { Project: { type: object } }\n}\n`,
      "project.yaml": project,
      "ownership.yaml": ownership("psa", "psa"),
      "mapping.yaml": mapping,
    });
    expect(code).toBe(1);
    expect(diagnostics.length).toBeGreaterThan(0);
    expect(diagnostics.every((d) => d.file === "systems.sync"), JSON.stringify(diagnostics)).toBe(true);
  });
});
