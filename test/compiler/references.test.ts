import { describe, expect, it } from "vitest";
import { runCli, writeSpecSet } from "../../src/testing/spec-fixtures.ts";

const files: Record<string, string> = {
  "psa.yaml": `apiVersion: syncspec.dev/v1
kind: System
metadata: { name: psa }
spec:
  role: psa
  baseUrl: { env: PSA_URL }
  auth: { type: bearer, token: { secret: psa-token } }
  schemas:
    TimeEntry:
      type: object
      required: [timeEntryId]
      properties:
        timeEntryId: { type: string }
        projectId: { type: string }
        project: { type: object, properties: { code: { type: string } } }
  events:
    timeEntryApproved: { delivery: webhook, payload: TimeEntry, webhook: { path: /hooks/psa } }
`,
  "erp.yaml": `apiVersion: syncspec.dev/v1
kind: System
metadata: { name: erp }
spec:
  role: erp
  baseUrl: { env: ERP_URL }
  auth: { type: bearer, token: { secret: erp-token } }
  schemas:
    Journal: { type: object, properties: { reference: { type: string } } }
  operations:
    postJournal: { method: POST, path: /journals, effect: create, request: Journal }
`,
  "time-entry.yaml": `apiVersion: syncspec.dev/v1
kind: Entity
metadata: { name: TimeEntry }
spec:
  identity: [id]
  fields:
    id: { type: string, required: true }
    projectId: { type: string }
    status: { type: enum, values: [draft, approved] }
  lifecycle:
    field: status
    initial: draft
    transitions: { draft: [approved] }
`,
  "ownership.yaml": `apiVersion: syncspec.dev/v1
kind: Ownership
metadata: { name: time-entry-ownership }
spec:
  entity: TimeEntry
  systemOfRecord: psa
  steward: delivery-ops
  create: [psa]
  fields:
    projectId: { systemOfRecord: psa }
`,
  "mapping.yaml": `apiVersion: syncspec.dev/v1
kind: Mapping
metadata: { name: time-to-journal }
spec:
  source: { system: psa, schema: TimeEntry }
  target: { system: erp, schema: Journal }
  expression: |
    { "reference": timeEntryId }
`,
  "route.yaml": `apiVersion: syncspec.dev/v1
kind: Route
metadata: { name: time-to-revenue }
spec:
  trigger: { event: psa.timeEntryApproved }
  idempotencyKey: [timeEntryId]
  orderingKey: [project.code]
  steps:
    - deliver: { operation: erp.postJournal, mapping: time-to-journal }
`,
};

async function validate(overrides: Record<string, string>) {
  const dir = writeSpecSet({ ...files, ...overrides });
  const result = await runCli(["validate", ".", "--format", "json"], dir);
  return { code: result.code, diagnostics: (JSON.parse(result.stdout) as { diagnostics: { file: string; line: number; column: number; endColumn: number; code: string; message: string }[] }).diagnostics };
}

describe("reference resolution", () => {
  it("accepts a spec set whose every reference resolves", async () => {
    const { code, diagnostics } = await validate({});
    expect(diagnostics).toEqual([]);
    expect(code).toBe(0);
  });

  const typos: { name: string; file: string; from: string; to: string; line: number; column: number; message: string }[] = [
    {
      name: "an idempotency key field",
      file: "route.yaml",
      from: "idempotencyKey: [timeEntryId]",
      to: "idempotencyKey: [timeEntryID]",
      line: 6,
      column: 20,
      message: "'timeEntryID' is not a field of psa schema TimeEntry; did you mean 'timeEntryId'?",
    },
    {
      name: "a nested ordering key segment",
      file: "route.yaml",
      from: "orderingKey: [project.code]",
      to: "orderingKey: [project.cod]",
      line: 7,
      column: 25,
      message: "'cod' is not a field of psa schema TimeEntry.project; did you mean 'code'?",
    },
    {
      name: "an ownership field key",
      file: "ownership.yaml",
      from: "    projectId: { systemOfRecord: psa }",
      to: "    projectID: { systemOfRecord: psa }",
      line: 10,
      column: 5,
      message: "'projectID' is not a field of entity TimeEntry; did you mean 'projectId'?",
    },
    {
      name: "an entity identity field",
      file: "time-entry.yaml",
      from: "identity: [id]",
      to: "identity: [idd]",
      line: 5,
      column: 14,
      message: "'idd' is not a field of entity TimeEntry; did you mean 'id'?",
    },
    {
      name: "a lifecycle field",
      file: "time-entry.yaml",
      from: "    field: status",
      to: "    field: statsu",
      line: 11,
      column: 12,
      message: "'statsu' is not a field of entity TimeEntry; did you mean 'status'?",
    },
    {
      name: "a lifecycle state",
      file: "time-entry.yaml",
      from: "transitions: { draft: [approved] }",
      to: "transitions: { draft: [aproved] }",
      line: 13,
      column: 28,
      message: "unknown state 'aproved' in the values of status; did you mean 'approved'?",
    },
    {
      name: "a trigger event",
      file: "route.yaml",
      from: "psa.timeEntryApproved",
      to: "psa.timeEntryAproved",
      line: 5,
      column: 21,
      message: "unknown event 'psa.timeEntryAproved'; did you mean 'psa.timeEntryApproved'?",
    },
    {
      name: "a delivery's mapping",
      file: "route.yaml",
      from: "mapping: time-to-journal",
      to: "mapping: time-to-jurnal",
      line: 9,
      column: 55,
      message: "unknown mapping 'time-to-jurnal'; did you mean 'time-to-journal'?",
    },
    {
      name: "a mapping's schema",
      file: "mapping.yaml",
      from: "schema: Journal",
      to: "schema: Jornal",
      line: 6,
      column: 34,
      message: "unknown schema 'Jornal' in system erp; did you mean 'Journal'?",
    },
  ];

  for (const t of typos) {
    it(`points at the exact line and column of a typo in ${t.name}, with a suggestion`, async () => {
      const source = files[t.file]!;
      expect(source).toContain(t.from);
      const { code, diagnostics } = await validate({ [t.file]: source.replace(t.from, t.to) });
      expect(code).toBe(1);
      expect(diagnostics.map((d) => ({ file: d.file, line: d.line, column: d.column, message: d.message }))).toContainEqual({
        file: t.file,
        line: t.line,
        column: t.column,
        message: t.message,
      });
    });
  }

  it("reports a JSONata syntax error at its line and column inside a block scalar", async () => {
    const { diagnostics } = await validate({
      "mapping.yaml": files["mapping.yaml"]!.replace('{ "reference": timeEntryId }', '{ "reference": timeEntryId,\n      "x": ( }'),
    });
    const d = diagnostics.find((x) => x.code === "invalid-jsonata");
    expect(d).toMatchObject({ file: "mapping.yaml", line: 9 });
    expect(d?.column).toBeGreaterThanOrEqual(13);
  });

  it("reports a delivery whose mapping builds another schema than the operation takes", async () => {
    const { diagnostics } = await validate({
      "mapping.yaml": files["mapping.yaml"]!.replace("target: { system: erp, schema: Journal }", "target: { entity: TimeEntry }").replace('"reference"', '"id"'),
    });
    expect(diagnostics.map((d) => d.message)).toContain(
      "mapping 'time-to-journal' produces entity TimeEntry, but erp.postJournal takes erp schema Journal",
    );
  });

  it("requires every lookup a delivery's mapping reads to be enriched earlier in the route", async () => {
    const withLookup = files["mapping.yaml"]!.replace(
      "  expression: |",
      "  lookups:\n    erpEntry: { kind: xref, entity: TimeEntry, from: psa, to: erp }\n  expression: |",
    );
    const missing = await validate({ "mapping.yaml": withLookup });
    expect(missing.diagnostics).toContainEqual(
      expect.objectContaining({
        code: "missing-lookup",
        file: "route.yaml",
        line: 9,
        column: 55,
        message: "mapping 'time-to-journal' reads the lookup '$erpEntry', but no earlier step enriches the record 'as: erpEntry'",
      }),
    );
    const provided = await validate({
      "mapping.yaml": withLookup,
      "route.yaml": files["route.yaml"]!.replace(
        "  steps:\n",
        "  steps:\n    - enrich: { lookup: xref, entity: TimeEntry, from: psa, to: erp, key: timeEntryId, as: erpEntry }\n",
      ),
    });
    expect(provided.diagnostics).toEqual([]);
  });

  it("reports a name declared twice, pointing at the second", async () => {
    const { diagnostics } = await validate({ "erp2.yaml": files["erp.yaml"]! });
    expect(diagnostics).toContainEqual(expect.objectContaining({ code: "duplicate-name", file: "erp2.yaml", line: 3 }));
  });
});
