import { afterEach, describe, expect, it } from "vitest";
import { compileTransform, loadExpressionCompiler, useExpressionCompiler } from "../../src/runtime/expression.ts";

describe("the runtime's transforms", () => {
  afterEach(async () => {
    await loadExpressionCompiler();
  });

  it("are compiled ahead of time by default, so evaluation is synchronous", () => {
    const transform = compileTransform("total", "$sum(lines.amount)");
    const result = transform.evaluate({ lines: [{ amount: 2 }, { amount: 3 }] });
    expect(result).not.toBeInstanceOf(Promise);
    expect(result).toBe(5);
  });

  it("fall back to the interpreter, asynchronously, only when asked", async () => {
    useExpressionCompiler(undefined);
    const result = compileTransform("total", "$sum(lines.amount)").evaluate({ lines: [{ amount: 2 }, { amount: 3 }] });
    expect(result).toBeInstanceOf(Promise);
    expect(await result).toBe(5);
  });
});
