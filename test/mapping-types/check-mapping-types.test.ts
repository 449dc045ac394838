import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { lineAndColumn } from "../../src/compiler/diagnostics/source-file.ts";
import { loadProgram } from "../../src/compiler/program.ts";

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const HEADER = (kind: string, name: string) =>
  `apiVersion: syncspec.dev/v1\nkind: ${kind}\nmetadata:\n  name: ${name}\n  version: 1.0.0\n  team: delivery-ops\n  description: A test document.\n`;

const SHAPES = `${HEADER("System", "psa")}spec:
  role: psa
  baseUrl: { env: PSA_URL }
  auth: { type: none }
  quotas: { requestsPerMinute: 10 }
  schemas:
    Time:
      type: object
      required: [id, minutes]
      properties:
        id: { type: string }
        minutes: { type: integer }
        note: { type: string }
        lines: { type: array, items: { type: object, properties: { amount: { type: string } } } }
---
${HEADER("Entity", "TimeEntry")}spec:
  identity: [timeEntryId]
  fields:
    timeEntryId: { type: string, required: true }
    hours: { type: decimal, required: true }
    status: { type: enum, values: [draft, approved] }
    tags: { type: array, items: { type: string } }
`;

/** Loads a spec set of the shared shapes plus one mapping with `expression` (a YAML block). */
function check(expression: string, source = "{ system: psa, schema: Time }", extra?: string) {
  const dir = mkdtempSync(join(tmpdir(), "mapping-types-"));
  dirs.push(dir);
  mkdirSync(join(dir, "specs"));
  writeFileSync(join(dir, "specs", "shapes.yaml"), SHAPES);
  const mapping = `${HEADER("Mapping", "time")}spec:
  source: ${source}
  target: { entity: TimeEntry }
  expression: |
${expression
  .split("\n")
  .map((l) => `    ${l}`)
  .join("\n")}
`;
  writeFileSync(join(dir, "specs", "mapping.yaml"), mapping);
  if (extra !== undefined) writeFileSync(join(dir, "specs", "extra.yaml"), extra);
  const program = loadProgram({ cwd: dir, paths: ["specs"] });
  return program.diagnostics
    .filter((d) => d.code.startsWith("mapping-"))
    .map((d) => {
      const at = d.location === undefined ? undefined : lineAndColumn(d.location.file, d.location.start);
      return { code: d.code, message: d.message, at: at === undefined ? "" : `${at.line}:${at.column}` };
    });
}

describe("mapping type checking", () => {
  it("reports a read of a missing source field at its line and column inside the JSONata", () => {
    expect(check('{\n  "timeEntryId": id,\n  "hours": $string(minuts / 60)\n}')).toEqual([
      {
        code: "mapping-unknown-path",
        message: "the mapping reads 'minuts', but 'minuts' is not a field of psa schema Time; did you mean 'minutes'?",
        at: "14:24",
      },
    ]);
  });

  it("reports the first missing segment of a nested path", () => {
    expect(check('{ "timeEntryId": id, "hours": "1", "tags": lines.amont }')).toEqual([
      {
        code: "mapping-unknown-path",
        message: "the mapping reads 'lines.amont', but 'amont' is not a field of psa schema Time.lines; did you mean 'amount'?",
        at: "12:54",
      },
    ]);
  });

  it("asks of a mapping that only reads records back for a reconciliation just what it sets, still typed", () => {
    const reconciliation = `${HEADER("Reconciliation", "time-check")}spec:
  every: 1h
  groupBy: [timeEntryId]
  sources:
    - { name: kept, system: psa, entity: TimeEntry, measure: hours, read: { state: true, mapping: time } }
    - { name: listed, system: psa, entity: TimeEntry, measure: hours, read: { state: true } }
  tolerance: { absolute: "0" }
  onMismatch: { queue: time-gaps, owner: delivery-ops }
`;
    expect(check('{ "timeEntryId": id }', undefined, reconciliation)).toEqual([]);
    expect(check('{ "timeEntryId": id, "status": "lost" }', undefined, reconciliation)).toEqual([
      { code: "mapping-wrong-type", message: expect.stringContaining("not one of draft, approved"), at: expect.any(String) },
    ]);
  });

  it("reports a required target field the mapping never sets, at the object constructor", () => {
    expect(check('{ "timeEntryId": id }')).toEqual([
      { code: "mapping-missing-field", message: "the mapping never sets 'hours', a required field of entity TimeEntry", at: "12:5" },
    ]);
  });

  it("reports a non-decimal string into a decimal, an array into a scalar and a value outside an enum", () => {
    expect(check('{ "timeEntryId": lines, "hours": "1.2.3", "status": "archived" }').map((d) => [d.code, d.message, d.at])).toEqual([
      ["mapping-wrong-type", "'entity TimeEntry.timeEntryId' is a string, but the mapping puts an array there", "12:7"],
      ["mapping-wrong-type", "'entity TimeEntry.hours' is a decimal, but the mapping puts the string \"1.2.3\" there", "12:29"],
      [
        "mapping-wrong-type",
        "'entity TimeEntry.status' is a string, but the mapping puts the string \"archived\", not one of draft, approved there",
        "12:47",
      ],
    ]);
  });

  it("reports an entity's text field put into a decimal, but not a native schema's string, which may hold one", () => {
    expect(check('{ "timeEntryId": timeEntryId, "hours": timeEntryId }', "{ entity: TimeEntry }")).toEqual([
      { code: "mapping-wrong-type", message: "'entity TimeEntry.hours' is a decimal, but the mapping puts a string there", at: "12:35" },
    ]);
    expect(check('{ "timeEntryId": id, "hours": note }')).toEqual([]);
  });

  it("reports a field the target does not have", () => {
    expect(check('{ "timeEntryId": id, "hours": "2.5", "hourz": "1" }')).toEqual([
      {
        code: "mapping-unknown-target",
        message: "the mapping sets 'hourz', which is not a field of entity TimeEntry; did you mean 'hours'?",
        at: "12:42",
      },
    ]);
  });

  it("says at hint level when the produced fields cannot be inferred", () => {
    expect(check("$merge([{ 'timeEntryId': id }, { 'hours': '1' }])")).toEqual([
      {
        code: "mapping-undecidable",
        message: "the mapping's types cannot be checked here: its result is not an object constructor, so the fields it sets are unknown",
        at: "12:5",
      },
    ]);
  });

  it("accepts a mapping whose reads exist and whose fields fit", () => {
    expect(check('{ "timeEntryId": id, "hours": $string(minutes / 60), "status": "draft", "tags": [note] }')).toEqual([]);
  });
});
