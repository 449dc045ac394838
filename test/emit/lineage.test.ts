import { describe, expect, it } from "vitest";
import { mappingLineage } from "../../src/compiler/emit/docs/lineage.ts";
import type { MappingSpec } from "../../src/model/index.ts";

const spec = (expression: string, extra: Partial<MappingSpec> = {}): MappingSpec => ({ source: { entity: "TimeEntry" }, target: { system: "erp", schema: "Journal" }, expression, ...extra });

describe("the field lineage of a mapping", () => {
  it("names, for each target field, the source fields it reads and the expression as written", () => {
    const rows = mappingLineage(spec('{ "reference": timeEntryId, "memo": "time " & timeEntryId & " on " & project.code, "posted": true }'));
    expect(rows).toEqual([
      { target: "reference", sources: ["timeEntryId"], expression: "timeEntryId", where: [], tests: [] },
      { target: "memo", sources: ["project.code", "timeEntryId"], expression: '"time " & timeEntryId & " on " & project.code', where: [], tests: [] },
      { target: "posted", sources: [], expression: "true", where: [], tests: [] },
    ]);
  });

  it("follows nested objects and arrays of objects, variables bound in a block, lookups and function arguments", () => {
    const rows = mappingLineage(
      spec(
        `(
  $memo := "Labour " & hours;
  {
    "Journal": { "Narration": $memo, "Lines": [{ "Amount": $formatNumber($number(costAmount), "0.00"), "Account": $entity.accounts.cost }] },
    "Total": $sum(lines[billable].hours)
  }
)`,
        { lookups: { entity: { kind: "reference-data", entity: "LegalEntity" } } },
      ),
    );
    expect(rows.map(({ target, sources, expression, where }) => ({ target, sources, expression, where }))).toEqual([
      { target: "Journal.Narration", sources: ["hours"], expression: "$memo", where: ['$memo := "Labour " & hours'] },
      { target: "Journal.Lines[].Amount", sources: ["costAmount"], expression: '$formatNumber($number(costAmount), "0.00")', where: [] },
      { target: "Journal.Lines[].Account", sources: ["$entity.accounts.cost"], expression: "$entity.accounts.cost", where: [] },
      { target: "Total", sources: ["billable", "lines.hours"], expression: "$sum(lines[billable].hours)", where: [] },
    ]);
  });

  it("lists the tests whose expect holds a value at the field, and the whole record for an expression that is not an object", () => {
    const tests = [
      { name: "full", input: {}, expect: { a: "1", b: { c: "2" } } },
      { name: "partial", input: {}, expect: { a: "1" } },
    ];
    const rows = mappingLineage(spec('{ "a": x, "b": { "c": y } }', { tests }));
    expect(rows.map((r) => [r.target, r.tests])).toEqual([
      ["a", ["full", "partial"]],
      ["b.c", ["full"]],
    ]);
    expect(mappingLineage(spec("$merge([base, { 'extra': 1 }])", { tests }))).toEqual([
      { target: "(record)", sources: ["base"], expression: "$merge([base, { 'extra': 1 }])", where: [], tests: ["full", "partial"] },
    ]);
  });

  it("claims no lineage for an expression that does not parse", () => {
    expect(mappingLineage(spec('{ "a": x, '))).toEqual([]);
  });
});
