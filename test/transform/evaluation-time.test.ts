import { describe, expect, it } from "vitest";
import { atEvaluationTime, compileExpression } from "../../src/transform/index.ts";

describe("the evaluation time", () => {
  it("is the pinned time for $now() and $millis() inside atEvaluationTime, and the clock outside it", async () => {
    const stamp = compileExpression('{ "at": $millis(), "iso": $now() }');
    const at = Date.UTC(2026, 2, 14, 9, 30);
    expect(atEvaluationTime(at, () => stamp.evaluate({}))).toEqual({ at, iso: "2026-03-14T09:30:00.000Z" });
    // Nested pins restore the outer one.
    expect(atEvaluationTime(at, () => [atEvaluationTime(1000, () => stamp.evaluate({})), stamp.evaluate({})])).toEqual([
      { at: 1000, iso: "1970-01-01T00:00:01.000Z" },
      { at, iso: "2026-03-14T09:30:00.000Z" },
    ]);
    // The interpreter ($eval) and an asynchronous binding read the pinned time too; so does time zero.
    const evaluated = compileExpression('$eval("$millis()")');
    expect(evaluated.mode).toBe("interpreted");
    expect(await atEvaluationTime(at, () => evaluated.evaluate({}))).toBe(at);
    const withAsync = compileExpression("{ 'at': $millis(), 'now': $now('[Y0001]-[M01]'), 'x': $lookup() }");
    expect(await atEvaluationTime(at, () => withAsync.evaluate({}, { lookup: async () => 1 }))).toEqual({ at, now: "2026-03", x: 1 });
    expect(atEvaluationTime(0, () => stamp.evaluate({}))).toEqual({ at: 0, iso: "1970-01-01T00:00:00.000Z" });
    const before = Date.now();
    const now = (stamp.evaluate({}) as { at: number }).at;
    expect(now).toBeGreaterThanOrEqual(before);
    expect(now).toBeLessThanOrEqual(Date.now());
  });
});
