/** Route conditions (trigger, step, classify and branch `when`s) are type-checked against the record at their step. */
import { describe, expect, it } from "vitest";
import { runCli, writeSpecSet } from "../../src/testing/spec-fixtures.ts";

const files: Record<string, string> = {
  "systems.yaml": `apiVersion: syncspec.dev/v1
kind: System
metadata: { name: psa }
spec:
  role: psa
  baseUrl: { env: PSA_URL }
  auth: { type: bearer, token: { secret: psa-token } }
  schemas:
    TimeEntry: { type: object, properties: { timeEntryId: { type: string }, projectId: { type: string }, status: { type: string }, chargeable: { type: boolean } } }
  events: { timeEntryApproved: { delivery: webhook, payload: TimeEntry, webhook: { path: /hooks/psa } } }
---
apiVersion: syncspec.dev/v1
kind: System
metadata: { name: erp }
spec: { role: erp, baseUrl: { env: ERP_URL }, auth: { type: bearer, token: { secret: erp-token } },
        schemas: { Journal: { type: object } }, operations: { postJournal: { method: POST, path: /journals, effect: create, request: Journal } } }
`,
  "model.yaml": `apiVersion: syncspec.dev/v1
kind: Entity
metadata: { name: TimeEntry }
spec:
  identity: [id]
  fields:
    id: { type: string, required: true }
    projectId: { type: string }
    billable: { type: boolean }
---
apiVersion: syncspec.dev/v1
kind: Mapping
metadata: { name: to-canonical }
spec:
  source: { system: psa, schema: TimeEntry }
  target: { entity: TimeEntry }
  expression: |
    { "id": timeEntryId, "projectId": projectId, "billable": chargeable }
`,
  "route.yaml": `apiVersion: syncspec.dev/v1
kind: Route
metadata: { name: time }
spec:
  trigger: { event: psa.timeEntryApproved, when: status = "APPROVED" }
  idempotencyKey: [timeEntryId]
  steps:
    - map: to-canonical
    - enrich: { lookup: xref, entity: TimeEntry, from: psa, to: erp, key: projectId, as: erpProject }
    - classify: { as: billing, rules: [{ when: billable = true, value: billable }], otherwise: internal }
    - branch:
        - when: $class.billing = "billable"
          steps:
            - when: $exists(erpProject) and $exists($erpProject)
              deliver: { operation: erp.postJournal }
`,
  "route.sync": `route time-dsl {
  on psa.timeEntryApproved
  when {{ status = "APPROVED" }}
  key timeEntryId
  steps {
    map to-canonical
    enrich erpProject with xref TimeEntry from psa to erp by projectId
    classify billing {
      when {{ billable = true }} then billable
      otherwise internal
    }
    branch {
      when {{ $class.billing = "billable" }} {
        deliver erp.postJournal when {{ $exists(erpProject) }}
      }
    }
  }
}
`,
};

interface Found {
  code: string;
  severity: string;
  file: string;
  line: number;
  column: number;
  message: string;
}

/** Runs `spec validate --format json` on the set with `file`'s text changed from `from` to `to`. */
async function validate(file: string, from: string, to: string) {
  const source = files[file]!;
  expect(source).toContain(from);
  const dir = writeSpecSet({ ...files, [file]: source.replace(from, to) });
  const result = await runCli(["validate", ".", "--format", "json"], dir);
  return { code: result.code, diagnostics: (JSON.parse(result.stdout) as { diagnostics: Found[] }).diagnostics };
}

const where = (d: Found) => ({ code: d.code, file: d.file, line: d.line, column: d.column, message: d.message });

describe("route conditions", () => {
  it("accepts conditions that read the record at their step, enriched values and classes set before them", async () => {
    const { code, diagnostics } = await validate("route.yaml", "", "");
    expect(diagnostics).toEqual([]);
    expect(code).toBe(0);
  });

  const typos: { name: string; file: string; from: string; to: string; line: number; column: number; message: string }[] = [
    {
      name: "a trigger condition, against the event's payload",
      file: "route.yaml",
      from: 'when: status = "APPROVED"',
      to: 'when: staus = "APPROVED"',
      line: 5,
      column: 50,
      message: "'staus' is not a field of psa schema TimeEntry; did you mean 'status'?",
    },
    {
      name: "a classify rule, against the mapping's target",
      file: "route.yaml",
      from: "when: billable = true",
      to: "when: billabel = true",
      line: 10,
      column: 48,
      message: "'billabel' is not a field of entity TimeEntry; did you mean 'billable'?",
    },
    {
      name: "a branch condition's class",
      file: "route.yaml",
      from: '$class.billing = "billable"',
      to: '$class.biling = "billable"',
      line: 12,
      column: 24,
      message: "'biling' is not a field of $class; did you mean 'billing'?",
    },
    {
      name: "a step condition inside a branch, with the enriched value in scope",
      file: "route.yaml",
      from: "$exists(erpProject) and",
      to: "$exists(erpProjet) and",
      line: 14,
      column: 29,
      message: "'erpProjet' is not a field of entity TimeEntry; did you mean 'erpProject'?",
    },
    {
      name: "a trigger condition in the DSL",
      file: "route.sync",
      from: 'when {{ status = "APPROVED" }}',
      to: 'when {{ $lowercase(statsu) = "approved" }}',
      line: 3,
      column: 22,
      message: "'statsu' is not a field of psa schema TimeEntry; did you mean 'status'?",
    },
    {
      name: "a classify rule in the DSL",
      file: "route.sync",
      from: "when {{ billable = true }}",
      to: "when {{ bilable = true }}",
      line: 9,
      column: 15,
      message: "'bilable' is not a field of entity TimeEntry; did you mean 'billable'?",
    },
    {
      name: "a branch condition's class in the DSL",
      file: "route.sync",
      from: '$class.billing = "billable"',
      to: '$class.billings = "billable"',
      line: 13,
      column: 22,
      message: "'billings' is not a field of $class; did you mean 'billing'?",
    },
    {
      name: "a step condition in the DSL",
      file: "route.sync",
      from: "when {{ $exists(erpProject) }}",
      to: "when {{ $exists(erpproject) }}",
      line: 14,
      column: 49,
      message: "'erpproject' is not a field of entity TimeEntry; did you mean 'erpProject'?",
    },
  ];

  for (const t of typos) {
    it(`reports an unknown field in ${t.name}, inside the expression`, async () => {
      const { code, diagnostics } = await validate(t.file, t.from, t.to);
      expect(diagnostics.map(where)).toEqual([{ code: "unknown-field", file: t.file, line: t.line, column: t.column, message: t.message }]);
      expect(code).toBe(1);
    });
  }

  it("reads a class only once a classify step before the condition has set it", async () => {
    const { diagnostics } = await validate("route.yaml", "    - classify:", "    - when: $class.billing = \"billable\"\n      validate: TimeEntry\n    - classify:");
    expect(diagnostics.map(where)).toEqual([
      { code: "unknown-field", file: "route.yaml", line: 10, column: 20, message: "'billing' is not a field of $class" },
    ]);
  });

  it("reads the record before a map step's own mapping, and leaves it unknown after a map that has a condition", async () => {
    const before = await validate("route.yaml", "    - map: to-canonical", "    - map: to-canonical\n      when: $exists(id)");
    expect(before.diagnostics.map(where)).toEqual([
      { code: "unknown-field", file: "route.yaml", line: 9, column: 21, message: "'id' is not a field of psa schema TimeEntry; known names are 'timeEntryId', 'projectId', 'status', 'chargeable'" },
    ]);
    const after = await validate("route.yaml", "    - map: to-canonical", "    - map: to-canonical\n      when: $exists(timeEntryId)");
    expect(after.diagnostics).toEqual([]);
  });

  const neverTrue: { name: string; file: string; from: string; to: string; line: number; column: number; value: string }[] = [
    { name: "a string concatenation", file: "route.yaml", from: 'when: status = "APPROVED"', to: 'when: status & "APPROVED"', line: 5, column: 50, value: "a string" },
    { name: "an object constructor", file: "route.yaml", from: '$class.billing = "billable"', to: `'{ "billing": $class.billing }'`, line: 12, column: 17, value: "an object" },
    { name: "a string field", file: "route.sync", from: 'when {{ status = "APPROVED" }}', to: "when {{ status }}", line: 3, column: 8, value: "a string" },
    { name: "arithmetic", file: "route.sync", from: "when {{ billable = true }}", to: "when {{ $count(id) + 1 }}", line: 9, column: 12, value: "a number" },
  ];

  for (const t of neverTrue) {
    it(`warns that a condition giving ${t.name} never holds`, async () => {
      const { code, diagnostics } = await validate(t.file, t.from, t.to);
      expect(diagnostics.map((d) => ({ ...where(d), severity: d.severity }))).toEqual([
        {
          code: "condition-never-true",
          severity: "warn",
          file: t.file,
          line: t.line,
          column: t.column,
          message: `this condition gives ${t.value}, which is never true, so what it guards never runs; compare it (=, !=, <, in) or test it ($exists)`,
        },
      ]);
      expect(code).toBe(0);
    });
  }

  it("does not warn where the condition's value cannot be told", async () => {
    const { diagnostics } = await validate("route.yaml", '$class.billing = "billable"', "$lookup($, \"billable\")");
    expect(diagnostics).toEqual([]);
  });
});
