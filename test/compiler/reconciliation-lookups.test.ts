/**
 * Lookups of reconciliation sources are checked at compile time as enrich steps are: key and
 * `asOf` paths against the record they read (the system's item for a read's lookups, the
 * canonical record for the source's), the lookups a reverse mapping declares against the read's,
 * and the measure's fields and variables against what the lookups bind. Each finding is located.
 */
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
    Time: { type: object, properties: { id: { type: string }, project: { type: string }, minutes: { type: integer }, day: { type: string } } }
    Times: { type: object, properties: { items: { type: array, items: { $ref: "#/schemas/Time" } } } }
  operations: { listTime: { method: GET, path: /time, effect: read, entity: TimeEntry, response: Times } }
---
apiVersion: syncspec.dev/v1
kind: System
metadata: { name: erp }
spec:
  role: erp
  baseUrl: { env: ERP_URL }
  auth: { type: bearer, token: { secret: erp-token } }
  schemas:
    Journal:
      type: object
      properties:
        id: { type: string }
        day: { type: string }
        lines: { type: array, items: { type: object, properties: { amount: { type: string }, tracking: { type: array, items: { type: object, properties: { option: { type: string } } } } } } }
  operations: { listJournals: { method: GET, path: /journals, effect: read, entity: TimeEntry } }
`,
  "model.yaml": `apiVersion: syncspec.dev/v1
kind: Entity
metadata: { name: TimeEntry }
spec:
  identity: [timeEntryId]
  fields:
    timeEntryId: { type: string, required: true }
    projectId: { type: string, required: true }
    minutes: { type: integer }
    workDate: { type: date }
    amount: { type: decimal }
---
apiVersion: syncspec.dev/v1
kind: Entity
metadata: { name: Project }
spec:
  identity: [projectId]
  fields:
    projectId: { type: string, required: true }
    rateId: { type: string, required: true }
---
apiVersion: syncspec.dev/v1
kind: Entity
metadata: { name: Rate }
spec:
  identity: [rateId]
  fields:
    rateId: { type: string, required: true }
    perHour: { type: decimal, required: true }
---
apiVersion: syncspec.dev/v1
kind: Mapping
metadata: { name: psa-time-read }
spec:
  source: { system: psa, schema: Time }
  target: { entity: TimeEntry }
  lookups: { project: { kind: reference-data, entity: Project } }
  expression: '{ "timeEntryId": id, "projectId": $project.projectId, "minutes": minutes, "workDate": day }'
---
apiVersion: syncspec.dev/v1
kind: Mapping
metadata: { name: erp-journal-read }
spec:
  source: { system: erp, schema: Journal }
  target: { entity: TimeEntry }
  lookups: { projectId: { kind: xref, entity: Project, from: erp, to: psa } }
  expression: '{ "timeEntryId": id, "projectId": $projectId, "workDate": day, "amount": $formatNumber($sum(lines.$number(amount)), "0.00") }'
`,
  "reconciliation.yaml": `apiVersion: syncspec.dev/v1
kind: Reconciliation
metadata: { name: time-cost }
spec:
  groupBy: [projectId]
  sources:
    - name: psa
      system: psa
      entity: TimeEntry
      read:
        operation: listTime
        items: items
        lookups:
          - { lookup: reference-data, entity: Project, key: project, as: project }
        mapping: psa-time-read
      lookups:
        - { lookup: reference-data, entity: Project, key: projectId, as: kept }
        - { lookup: reference-data, entity: Rate, key: kept.rateId, asOf: workDate, as: rate }
      measure: $formatNumber($number($rate.perHour) * minutes / 60, "0.00")
    - name: erp
      system: erp
      entity: TimeEntry
      read:
        operation: listJournals
        lookups:
          - { lookup: xref, entity: Project, from: erp, to: psa, key: lines.tracking.option, as: projectId }
        mapping: erp-journal-read
      measure: amount
  tolerance: { absolute: "0.00" }
  onMismatch: { queue: cost-gaps, owner: finance-ops }
`,
};

interface Found {
  code: string;
  file: string;
  line: number;
  column: number;
  message: string;
}

/** Runs `spec validate --format json` on the set with the reconciliation's text changed from `from` to `to`. */
async function validate(from: string, to: string) {
  const source = files["reconciliation.yaml"] as string;
  expect(source).toContain(from);
  const dir = writeSpecSet({ ...files, "reconciliation.yaml": source.replace(from, to) });
  const result = await runCli(["validate", ".", "--format", "json"], dir);
  return { code: result.code, diagnostics: (JSON.parse(result.stdout) as { diagnostics: Found[] }).diagnostics };
}

const where = (d: Found) => ({ code: d.code, file: d.file, line: d.line, column: d.column, message: d.message });

describe("lookups in reconciliations", () => {
  it("accepts lookups over the items read, chained lookups as of a date, and a measure that reads them", async () => {
    const { code, diagnostics } = await validate("", "");
    expect(diagnostics).toEqual([]);
    expect(code).toBe(0);
  });

  const mistakes: { name: string; from: string; to: string; code: string; line: number; column: number; message: string }[] = [
    {
      name: "a misspelt key path of a read's lookup, against the system's item",
      from: "key: project, as: project",
      to: "key: projet, as: project",
      code: "unknown-field",
      line: 14,
      column: 61,
      message: "'projet' is not a field of psa.Time; did you mean 'project'?",
    },
    {
      name: "a misspelt field of a looked-up record in a chained key",
      from: "key: kept.rateId",
      to: "key: kept.rateID",
      code: "unknown-field",
      line: 18,
      column: 61,
      message: "'rateID' is not a field of entity TimeEntry.kept; did you mean 'rateId'?",
    },
    {
      name: "a misspelt date to look up as of",
      from: "asOf: workDate",
      to: "asOf: workDay",
      code: "unknown-field",
      line: 18,
      column: 75,
      message: "'workDay' is not a field of entity TimeEntry; did you mean 'workDate'?",
    },
    {
      name: "a misspelt lookup variable in the measure",
      from: "$number($rate.perHour)",
      to: "$number($rates.perHour)",
      code: "unbound-variable",
      line: 19,
      column: 38,
      message: "'$rates' is not bound at this step: no earlier step enriches the record as 'rates'; did you mean '$rate'?",
    },
    {
      name: "a misspelt field of a looked-up record in the measure",
      from: "$rate.perHour",
      to: "$rate.perHuor",
      code: "unknown-field",
      line: 19,
      column: 44,
      message: "'perHuor' is not a field of $rate; did you mean 'perHour'?",
    },
    {
      name: "a nested list path of a cross-reference key misspelt",
      from: "key: lines.tracking.option",
      to: "key: lines.traking.option",
      code: "unknown-field",
      line: 26,
      column: 77,
      message: "'traking' is not a field of erp.Journal.lines; did you mean 'tracking'?",
    },
    {
      name: "a reverse mapping whose lookup the read does not bind",
      from: "key: project, as: project",
      to: "key: project, as: proj",
      code: "missing-lookup",
      line: 15,
      column: 18,
      message: "mapping 'psa-time-read' reads the lookup '$project', but the source's read declares no lookup 'as: project'",
    },
    {
      name: "a cross-reference looked up as of a date",
      from: "key: lines.tracking.option, as: projectId",
      to: "key: lines.tracking.option, asOf: day, as: projectId",
      code: "lookup-as-of-xref",
      line: 26,
      column: 94,
      message: "'asOf' applies to reference-data lookups: a cross-reference has no validity period",
    },
    {
      name: "a lookup of an entity that does not exist",
      from: "entity: Rate,",
      to: "entity: Rates,",
      code: "unknown-reference",
      line: 18,
      column: 45,
      message: "",
    },
    {
      name: "a lookup with more key fields than the entity's identity",
      from: "key: projectId, as: kept",
      to: "key: [projectId, workDate], as: kept",
      code: "lookup-key-count",
      line: 17,
      column: 59,
      message: "Project is identified by projectId, but the lookup gives 2 key fields: give one per identity field, in that order",
    },
  ];

  for (const m of mistakes) {
    it(`reports ${m.name}, located`, async () => {
      const { code, diagnostics } = await validate(m.from, m.to);
      expect(code).toBe(1);
      const found = diagnostics.map(where).filter((d) => d.code === m.code);
      expect(found).toHaveLength(1);
      expect(found[0]).toMatchObject({ code: m.code, file: "reconciliation.yaml", line: m.line, column: m.column, ...(m.message === "" ? {} : { message: m.message }) });
    });
  }
});
