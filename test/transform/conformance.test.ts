/**
 * The official JSONata test cases (../shared/conformance/jsonata), every one through
 * `compileExpression`: the expected result, undefined result or error code, via the compiled
 * path (the interpreter only for `$eval`).
 */
import { describe, expect, it } from "vitest";
import { sharedAvailable, shouldRun } from "../../src/testing/environment.ts";
import { loadCases, runCase } from "./conformance-cases.ts";
import { knownGaps } from "./known-gaps.ts";

const run = shouldRun("the JSONata conformance cases", sharedAvailable("conformance", "jsonata", "groups"));
const cases = run ? loadCases() : [];

describe.runIf(run)("JSONata conformance", () => {
  it("finds the cases", () => {
    expect(cases.length).toBeGreaterThan(1000);
  });

  it("lists only known gaps that exist", () => {
    const ids = new Set(cases.map((testCase) => testCase.id));
    expect([...knownGaps.keys()].filter((id) => !ids.has(id))).toEqual([]);
  });

  for (const testCase of cases) {
    const gap = knownGaps.get(testCase.id);
    const title = `${testCase.id}: ${testCase.expr.slice(0, 80).replace(/\s+/g, " ")}`;
    if (gap !== undefined) {
      it(`still fails (known gap: ${gap}) ${title}`, async () => {
        const outcome = await runCase(testCase);
        expect(outcome.passed, "this case now passes: remove it from known-gaps.ts").toBe(false);
      });
      continue;
    }
    it(`evaluates ${title}`, async () => {
      const outcome = await runCase(testCase);
      expect(outcome.passed, outcome.detail).toBe(true);
      const needsInterpreter = testCase.expr.includes("$eval");
      if (outcome.mode !== "none") expect(outcome.mode).toBe(needsInterpreter ? "interpreted" : "compiled");
    });
  }
});
