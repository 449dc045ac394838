import { describe, expect, it } from "vitest";
import { cleanSet, lintFiles } from "./lint-helpers.ts";

describe("the rule tests' base spec set", () => {
  it("passes every built-in rule, so each rule test's failing case is that rule's alone", async () => {
    const { findings } = await lintFiles(cleanSet);
    expect(findings).toEqual([]);
  });
});
