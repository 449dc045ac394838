import { describe, expect, it } from "vitest";
import { diffJson, formatDifferences } from "../../src/cli/json-diff.ts";

describe("field-level differences of JSON values", () => {
  it("finds nothing between equal values, whatever their key order", () => {
    expect(diffJson({ a: 1, b: [{ c: "x" }] }, { b: [{ c: "x" }], a: 1 })).toEqual([]);
  });

  it("names each changed, missing and unexpected field at its JSON path, in document order", () => {
    const expected = { invoice: { lines: [{ amount: "10.00", tax: "2.00" }, { amount: "5.00" }], "due date": "2026-03-31" }, currency: "GBP" };
    const actual = { invoice: { lines: [{ amount: "10.0", tax: "2.00" }], "due date": "2026-03-31", memo: "x" }, currency: "GBP" };
    expect(diffJson(expected, actual)).toEqual([
      { path: "$.invoice.lines[0].amount", kind: "changed", expected: "10.00", actual: "10.0" },
      { path: "$.invoice.lines[1]", kind: "missing", expected: { amount: "5.00" } },
      { path: "$.invoice.memo", kind: "unexpected", actual: "x" },
    ]);
    expect(diffJson({ "due date": 1 }, { "due date": 2 })[0]?.path).toBe('$["due date"]');
  });

  it("reports a value of another type as changed at its path, and no output at all as missing", () => {
    expect(diffJson({ hours: "1.5" }, { hours: 1.5 })).toEqual([{ path: "$.hours", kind: "changed", expected: "1.5", actual: 1.5 }]);
    expect(diffJson({ lines: [] }, { lines: {} })).toEqual([{ path: "$.lines", kind: "changed", expected: [], actual: {} }]);
    expect(diffJson({ a: 1 }, undefined)).toEqual([{ path: "$", kind: "missing", expected: { a: 1 } }]);
  });

  it("prints the expected value after - and the actual after +, as a test runner does", () => {
    const text = formatDifferences(diffJson({ a: { b: 1 }, c: 2 }, { a: { b: 2 }, d: 3 }));
    expect(text).toBe(
      ["3 differences (- expected, + actual):", "  $.a.b", "    - 1", "    + 2", "  $.c (missing)", "    - 2", "  $.d (not expected)", "    + 3"].join("\n"),
    );
  });
});
