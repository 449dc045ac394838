import { describe, expect, it } from "vitest";
import { merged, withField } from "../../src/runtime/objects.ts";

describe("copies with fields added", () => {
  it("adds a field as a spread does: the source's keys first, in order, then the new one", () => {
    const source = { b: 1, a: 2 };
    const copy = withField(source, "c", 3);
    expect(Object.keys(copy)).toEqual(["b", "a", "c"]);
    expect(copy).toEqual({ ...source, c: 3 });
    expect(source).toEqual({ b: 1, a: 2 });
  });

  it("replaces an existing field where it stands, as a spread does", () => {
    expect(Object.entries(withField({ a: 1, b: 2 }, "a", 9))).toEqual(Object.entries({ ...{ a: 1, b: 2 }, a: 9 }));
  });

  it("merges two objects as `{ ...first, ...second }`, the second winning", () => {
    const first = { x: 1, y: 2 };
    const second = { y: 3, z: 4 };
    expect(Object.entries(merged(first, second))).toEqual(Object.entries({ ...first, ...second }));
  });

  it("keeps a __proto__ key of a parsed payload a plain field, never the copy's prototype", () => {
    const payload = JSON.parse('{"__proto__": {"polluted": true}, "id": "t1"}') as Record<string, unknown>;
    const copy = withField(payload, "project", "p1");
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect((copy as { polluted?: unknown }).polluted).toBeUndefined();
    expect(Object.keys(copy)).toEqual(["__proto__", "id", "project"]);
    expect(JSON.stringify(copy)).toBe(JSON.stringify({ ...payload, project: "p1" }));
    const added = withField({ id: "t1" }, "__proto__", { polluted: true });
    expect(Object.getPrototypeOf(added)).toBe(Object.prototype);
    expect(Object.keys(added)).toEqual(["id", "__proto__"]);
  });

  it("copies only a source's own fields, and an array's or a string's indices as a spread does", () => {
    const inherited = Object.create({ hidden: 1 }) as Record<string, unknown>;
    inherited["own"] = 2;
    expect(withField(inherited, "c", 3)).toEqual({ own: 2, c: 3 });
    expect(withField(["a", "b"], "c", 3)).toEqual({ ...["a", "b"], c: 3 });
    expect(withField(null as unknown as object, "c", 3)).toEqual({ c: 3 });
  });
});
