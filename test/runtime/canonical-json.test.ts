/** Canonical JSON prints equal values equally, whatever order their keys were written in. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalJson } from "../../src/runtime/store/canonical-json.ts";

/** The definition, written plainly: keys sorted by the built-in sort at every level. */
function reference(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return `[${value.map(reference).join(",")}]`;
  const record = value as Record<string, unknown>;
  return `{${Object.keys(record)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${reference(record[k])}`)
    .join(",")}}`;
}

describe("canonical JSON", () => {
  it("sorts keys at every level, as the built-in sort orders them", () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: null }], c: "x" }, B: true })).toBe('{"B":true,"a":{"c":"x","d":[2,{"y":null,"z":1}]},"b":1}');
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(canonicalJson(value)).toBe(reference(value));
      }),
      { numRuns: 300 },
    );
  });

  it("prints the same value the same, whatever the order of its keys", () => {
    const keys = Array.from({ length: 20 }, (_, i) => `k${(i * 7) % 20}`);
    const forward = Object.fromEntries(keys.map((k) => [k, k.length]));
    const backward = Object.fromEntries([...keys].reverse().map((k) => [k, k.length]));
    expect(canonicalJson(backward)).toBe(canonicalJson(forward));
    expect(canonicalJson({ "é": 1, e: 2, "\u00e9a": 3, E: 4 })).toBe(reference({ "é": 1, e: 2, "\u00e9a": 3, E: 4 }));
  });
});
