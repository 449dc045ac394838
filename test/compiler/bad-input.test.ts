import { describe, expect, it } from "vitest";
import { runCli, writeSpecSet } from "../../src/testing/spec-fixtures.ts";

interface Expected {
  code: string;
  file: string | null;
  line: number | null;
  column: number | null;
  message?: RegExp;
}

const system = `apiVersion: syncspec.dev/v1
kind: System
metadata:
  name: psa
spec:
  role: psa
  baseUrl: { env: PSA_URL }
  auth: { type: bearer, token: { secret: psa-token } }
`;

/** A billing system whose operation takes a path parameter, for the deliver steps below. */
const billing = `apiVersion: syncspec.dev/v1
kind: System
metadata:
  name: billing
spec:
  role: billing
  baseUrl: { env: BILLING_URL }
  auth: { type: bearer, token: { secret: billing-token } }
  operations:
    addCharge: { method: POST, path: "/subscriptions/{subscription-id}/charges", effect: create, request: Charge }
  events:
    chargeDue: { delivery: webhook, payload: Charge, webhook: { path: /hooks/charge } }
  schemas:
    Charge: { type: object, properties: { projectId: { type: string }, amount: { type: string } } }
`;

/** A route delivering to billing.addCharge with the given deliver value. */
const chargeRoute = (deliver: string) => `apiVersion: syncspec.dev/v1
kind: Route
metadata:
  name: charges
spec:
  trigger: { event: billing.chargeDue }
  steps:
    - id: charge
      deliver: ${deliver}
`;

/** The same route in the DSL, with the given deliver statement. */
const chargeRouteDsl = (deliver: string) => `route charges {
  on billing.chargeDue
  steps {
    charge: ${deliver}
  }
}
`;

/** Runs `spec validate --format json` on a spec set and returns the exit code and diagnostics. */
async function validate(files: Record<string, string | Uint8Array>, paths: string[] = ["."]) {
  const dir = writeSpecSet(files);
  const result = await runCli(["validate", ...paths, "--format", "json"], dir);
  expect(result.stderr).toBe("");
  const report = JSON.parse(result.stdout) as { diagnostics: (Expected & { message: string })[] };
  return { code: result.code, diagnostics: report.diagnostics };
}

const cases: { name: string; files: Record<string, string | Uint8Array>; expected: Expected }[] = [
  {
    name: "malformed YAML",
    files: { "a.yaml": "apiVersion: syncspec.dev/v1\nkind: [System\nmetadata: {}\n" },
    expected: { code: "yaml-syntax", file: "a.yaml", line: 3, column: 1 },
  },
  {
    name: "a duplicate key",
    files: { "a.yaml": system.replace("  role: psa\n", "  role: psa\n  role: erp\n") },
    expected: { code: "duplicate-key", file: "a.yaml", line: 7, column: 3, message: /'role' appears twice/ },
  },
  {
    name: "an unknown kind",
    files: { "a.yaml": system.replace("kind: System", "kind: Sytem") },
    expected: { code: "unknown-kind", file: "a.yaml", line: 2, column: 7, message: /did you mean 'System'/ },
  },
  {
    name: "an unknown apiVersion",
    files: { "a.yaml": system.replace("syncspec.dev/v1", "syncspec.dev/v9") },
    expected: { code: "unknown-api-version", file: "a.yaml", line: 1, column: 13 },
  },
  {
    name: "a wrong type",
    files: { "a.yaml": `${system}  quotas: { requestsPerMinute: lots }\n` },
    expected: { code: "wrong-type", file: "a.yaml", line: 9, column: 32, message: /must be a whole number, not the string 'lots'/ },
  },
  {
    name: "a misspelt key",
    files: { "a.yaml": system.replace("baseUrl:", "baseURL:") },
    expected: { code: "unknown-key", file: "a.yaml", line: 7, column: 3, message: /did you mean 'baseUrl'/ },
  },
  {
    name: "an unresolved reference",
    files: {
      "a.yaml": system,
      "b.yaml": `apiVersion: syncspec.dev/v1
kind: Ownership
metadata: { name: project-ownership }
spec:
  entity: Project
  systemOfRecord: pas
  steward: delivery-ops
  create: [psa]
`,
    },
    expected: { code: "unknown-reference", file: "b.yaml", line: 6, column: 19, message: /unknown system 'pas'; did you mean 'psa'/ },
  },
  {
    name: "a YAML alias bomb",
    files: {
      "a.yaml": `a: &a ["x","x","x","x","x","x","x","x","x","x"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f,*f]
`,
    },
    expected: { code: "alias-limit", file: "a.yaml", line: null, column: null },
  },
  {
    name: "a file over the size limit",
    files: { "a.yaml": `# ${"x".repeat(5 * 1024 * 1024)}\n` },
    expected: { code: "file-too-large", file: "a.yaml", line: 1, column: 1 },
  },
  {
    name: "nesting deeper than the limit",
    files: { "a.yaml": `${"[".repeat(100)}${"]".repeat(100)}\n` },
    expected: { code: "nesting-too-deep", file: "a.yaml", line: 1, column: 65 },
  },
  {
    name: "a __proto__ key",
    files: { "a.yaml": system.replace("  role: psa\n", "  role: psa\n  __proto__: { polluted: true }\n") },
    expected: { code: "forbidden-key", file: "a.yaml", line: 7, column: 3 },
  },
  {
    name: "a constructor key",
    files: { "a.yaml": system.replace("metadata:\n", "metadata:\n  constructor: x\n") },
    expected: { code: "forbidden-key", file: "a.yaml", line: 4, column: 3 },
  },
  {
    name: "invalid UTF-8",
    files: { "a.yaml": Buffer.concat([Buffer.from("apiVersion: syncspec.dev/v1\nkind: Sys"), Buffer.from([0xc3, 0x28]), Buffer.from("tem\n")]) },
    expected: { code: "invalid-utf8", file: "a.yaml", line: 2, column: 10 },
  },
  {
    name: "an empty file",
    files: { "a.yaml": "" },
    expected: { code: "empty-file", file: "a.yaml", line: 1, column: 1 },
  },
  {
    name: "a file of only comments",
    files: { "a.yaml": "# nothing here\n---\n" },
    expected: { code: "empty-file", file: "a.yaml", line: 1, column: 1 },
  },
  {
    name: "a document that is a list",
    files: { "a.yaml": "- a\n- b\n" },
    expected: { code: "not-an-object", file: "a.yaml", line: 1, column: 1 },
  },
  {
    name: "a path parameter that nothing gives",
    files: { "billing.yaml": billing, "route.yaml": chargeRoute("{ operation: billing.addCharge }") },
    expected: { code: "missing-path-param", file: "route.yaml", line: 9, column: 7, message: /takes 'subscription-id' in its path .* add 'subscription-id' to the step's params/ },
  },
  {
    name: "a params key the path does not have",
    files: { "billing.yaml": billing, "route.yaml": chargeRoute("{ operation: billing.addCharge, params: { subscription-ID: projectId } }") },
    expected: { code: "unknown-path-param", file: "route.yaml", line: 9, column: 58, message: /'subscription-ID' is not a parameter .*; did you mean 'subscription-id'\?/ },
  },
  {
    name: "a params expression that does not parse",
    files: { "billing.yaml": billing, "route.yaml": chargeRoute("{ operation: billing.addCharge, params: { subscription-id: 'projectId ] 1' } }") },
    expected: { code: "invalid-jsonata", file: "route.yaml", line: 9, column: 86, message: /Syntax error: "]"/ },
  },
  {
    name: "a params expression reading a field the record lacks",
    files: { "billing.yaml": billing, "route.yaml": chargeRoute("{ operation: billing.addCharge, params: { subscription-id: projectld } }") },
    expected: { code: "unknown-field", file: "route.yaml", line: 9, column: 75, message: /'projectld' is not a field of billing schema Charge; did you mean 'projectId'/ },
  },
  {
    name: "a path parameter that nothing gives, in the DSL",
    files: { "billing.yaml": billing, "route.sync": chargeRouteDsl("deliver billing.addCharge") },
    expected: { code: "missing-path-param", file: "route.sync", line: 4, column: 13 },
  },
  {
    name: "a params key the path does not have, in the DSL",
    files: { "billing.yaml": billing, "route.sync": chargeRouteDsl("deliver billing.addCharge with subscription: {{ projectId }}") },
    expected: { code: "unknown-path-param", file: "route.sync", line: 4, column: 44, message: /did you mean 'subscription-id'\?/ },
  },
  {
    name: "a params expression that does not parse, in the DSL",
    files: { "billing.yaml": billing, "route.sync": chargeRouteDsl("deliver billing.addCharge with subscription-id: {{ projectId ] 1 }}") },
    expected: { code: "invalid-jsonata", file: "route.sync", line: 4, column: 74, message: /Syntax error: "]"/ },
  },
  {
    name: "a params expression reading a field the record lacks, in the DSL",
    files: { "billing.yaml": billing, "route.sync": chargeRouteDsl("deliver billing.addCharge with subscription-id: {{ $lowercase(projectld) }}") },
    expected: { code: "unknown-field", file: "route.sync", line: 4, column: 75, message: /'projectld' is not a field of billing schema Charge/ },
  },
  {
    name: "a folder with no specs",
    files: { "README.md": "no specs here\n" },
    expected: { code: "no-specs", file: null, line: null, column: null },
  },
];

describe("spec validate on bad input", () => {
  for (const c of cases) {
    it(`reports ${c.name} as a located diagnostic and exits 1`, async () => {
      const { code, diagnostics } = await validate(c.files);
      expect(code).toBe(1);
      const found = diagnostics.find((d) => d.code === c.expected.code && (c.expected.message?.test(d.message) ?? true));
      expect(found, JSON.stringify(diagnostics)).toBeDefined();
      expect(found?.file).toBe(c.expected.file);
      if (c.expected.line !== null) {
        expect(found?.line).toBe(c.expected.line);
        expect(found?.column).toBe(c.expected.column);
      }
      if (c.expected.message !== undefined) expect(found?.message).toMatch(c.expected.message);
    }, 10_000);
  }

  it("locates an alias bomb at its first alias", async () => {
    const { diagnostics } = await validate(cases.find((c) => c.name === "a YAML alias bomb")!.files);
    const found = diagnostics.find((d) => d.code === "alias-limit");
    expect(found?.line).toBeGreaterThanOrEqual(2);
  });

  it("does not let one file's errors hide another's", async () => {
    const { diagnostics } = await validate({
      "a.yaml": "a: [1, 2\n",
      "b.yaml": system.replace("role: psa", "role: pas"),
      "c.yaml": "",
    });
    expect(diagnostics.map((d) => `${d.file}:${d.code}`)).toEqual(["a.yaml:yaml-syntax", "b.yaml:invalid-value", "c.yaml:empty-file"]);
  });

  it("reports a path that does not exist and exits 1", async () => {
    const { code, diagnostics } = await validate({ "a.yaml": system }, ["nowhere"]);
    expect(code).toBe(1);
    expect(diagnostics[0]?.code).toBe("path-not-found");
  });

  it("never pollutes Object.prototype from a spec", async () => {
    await validate({ "a.yaml": "__proto__: { polluted: true }\nconstructor: { prototype: { polluted: true } }\n" });
    expect(({} as Record<string, unknown>)["polluted"]).toBeUndefined();
  });
});
