import { describe, expect, it } from "vitest";
import { timeOrderedId } from "../../src/runtime/ids.ts";

describe("time-ordered ids", () => {
  it("are version 7 UUIDs that carry their time and sort by it", () => {
    const ids = [1_700_000_000_000, 1_700_000_000_001, 1_800_000_000_000].map((t) => timeOrderedId(t));
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect([...ids].reverse().sort()).toEqual(ids);
    expect(Number.parseInt(ids[0]!.replace("-", "").slice(0, 12), 16)).toBe(1_700_000_000_000);
  });

  it("differ within one millisecond", () => {
    const ids = new Set(Array.from({ length: 5000 }, () => timeOrderedId(1_700_000_000_000)));
    expect(ids.size).toBe(5000);
  });
});
