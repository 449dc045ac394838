/**
 * A reject step's release in the compiler: the DSL says the same as YAML and `spec fmt` prints it
 * back; the checker locates an unknown entity, an unknown key or watched field, a value the field
 * never holds, and warns when no route keeps the entity; `spec docs` describes it.
 */
import { describe, expect, it } from "vitest";
import { renderDocs } from "../../src/compiler/emit/docs/docs.ts";
import { createSourceFile } from "../../src/compiler/diagnostics/source-file.ts";
import { formatDsl } from "../../src/compiler/parse/dsl/format.ts";
import { parseDsl } from "../../src/compiler/parse/dsl/parse-dsl.ts";
import { parseYaml } from "../../src/compiler/parse/yaml/parse-yaml.ts";
import { loadProgram } from "../../src/compiler/program.ts";
import { writeSpecSet } from "../../src/testing/spec-fixtures.ts";
import { files, INVOICE_STEPS } from "../runtime/release-fixture.ts";

const RELEASE = 'on Client key clientId field creditStatus to "ok"';

/** The diagnostics of the spec set with the invoice route's release replaced, as code, message and the text they point at. */
function diagnosticsWith(release: string, extra: Record<string, string> = {}) {
  const program = loadProgram({ cwd: writeSpecSet({ ...files(INVOICE_STEPS.replace(RELEASE, release)), ...extra }) });
  return program.diagnostics.map((d) => ({
    code: d.code,
    severity: d.severity,
    message: d.message,
    file: d.location?.file.path.split("/").at(-1),
    text: d.location?.file.text.slice(d.location.start, d.location.end),
  }));
}

describe("the release in the DSL", () => {
  const dsl = `route invoice-to-erp version 1.0.0 team finance-ops {
  on psa.invoiceReady
  key invoiceId

  steps {
    credit-hold: reject credit-hold to credit-control owner credit-control because {{ "Invoice " & invoiceId & " is held" }} on Client key clientId field creditStatus to "ok" when {{ $client.creditStatus = "hold" }}
    post: deliver erp.postInvoice
  }
}
`;
  const yaml = `apiVersion: syncspec.dev/v1
kind: Route
metadata:
  name: invoice-to-erp
  version: 1.0.0
  team: finance-ops
spec:
  trigger: { event: psa.invoiceReady }
  idempotencyKey: [invoiceId]
  steps:
    - id: credit-hold
      reject:
        reason: credit-hold
        message: '"Invoice " & invoiceId & " is held"'
        queue: credit-control
        owner: credit-control
        release: { entity: Client, key: clientId, field: creditStatus, equals: ok }
      when: $client.creditStatus = "hold"
    - id: post
      deliver: { operation: erp.postInvoice }
`;

  it("lowers to exactly the value its YAML gives, and spec fmt prints it back unchanged", () => {
    const file = createSourceFile("route.sync", dsl);
    const [docs, diagnostics] = parseDsl(file);
    expect(diagnostics).toEqual([]);
    const [yamlDocs] = parseYaml(createSourceFile("route.yaml", yaml));
    expect(docs[0]?.value).toEqual(yamlDocs[0]?.value);
    expect(formatDsl(file)).toEqual([dsl, []]);
  });

  it("reports a release without its value, located at the step", () => {
    const [, diagnostics] = parseDsl(createSourceFile("route.sync", dsl.replace(' to "ok"', "")));
    expect(diagnostics.map((d) => d.code)).toEqual(["dsl-syntax"]);
    expect(diagnostics[0]?.message).toContain("'to'");
  });
});

describe("checking a release", () => {
  it("accepts a release on a kept entity's enum field, keyed by a field of the record", () => {
    expect(diagnosticsWith(RELEASE)).toEqual([]);
  });

  it("locates an entity that does not exist at its name", () => {
    const found = diagnosticsWith('on Clinet key clientId field creditStatus to "ok"');
    expect(found).toEqual([expect.objectContaining({ code: "unknown-reference", severity: "error", file: "invoices.sync", text: "Clinet" })]);
    expect(found[0]?.message).toContain("Clinet");
  });

  it("locates a watched field the entity does not have at the field", () => {
    expect(diagnosticsWith('on Client key clientId field creditState to "ok"')).toEqual([
      expect.objectContaining({ code: "unknown-field", severity: "error", file: "invoices.sync", text: "creditState" }),
    ]);
  });

  it("locates a key the record at the step does not have at the key", () => {
    expect(diagnosticsWith('on Client key customerId field creditStatus to "ok"')).toEqual([
      expect.objectContaining({ code: "unknown-field", severity: "error", file: "invoices.sync", text: "customerId" }),
    ]);
  });

  it("refuses a value the field never holds, naming the values it can", () => {
    expect(diagnosticsWith('on Client key clientId field creditStatus to "cleared"')).toEqual([
      {
        code: "release-value",
        severity: "error",
        message: "the release waits for creditStatus to be 'cleared', which it never is: creditStatus is one of 'ok', 'hold'",
        file: "invoices.sync",
        text: '"cleared"',
      },
    ]);
  });

  it("warns when no route keeps the entity, so nothing would ever release it", () => {
    const found = diagnosticsWith('on Project key projectId field projectId to "KA-P03"');
    expect(found).toEqual([
      {
        code: "release-not-kept",
        severity: "warn",
        message: "the release waits on Project records, but no route keeps Project records (a keep step), so nothing ever releases it",
        file: "invoices.sync",
        text: "Project",
      },
    ]);
  });
});

describe("the release in spec docs", () => {
  it("says what releases the rejection in the route's steps", () => {
    const program = loadProgram({ cwd: writeSpecSet(files()) });
    const text = renderDocs(program.set, "specs", "mermaid.min.js")[0]?.text ?? "";
    expect(text).toContain("reject as credit-hold to credit-control (owned by credit-control), released when Client clientId has creditStatus &#x27;ok&#x27;");
  });
});
