import { describe, expect, it } from "vitest";
import { compileExpression, regexLimits, TransformError } from "../../src/transform/index.ts";

function thrown(run: () => unknown): TransformError {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(TransformError);
    return err as TransformError;
  }
  throw new Error("expected the evaluation to throw");
}

describe("compileExpression", () => {
  it("evaluates a mapping synchronously in compiled mode", () => {
    const mapping = compileExpression(`{ "id": "CP-" & id, "amount": $string($round(hours * $number(rate), 2)) }`);
    expect(mapping.mode).toBe("compiled");
    expect(mapping.evaluate({ id: "7", hours: 1.5, rate: "85.25" })).toEqual({ id: "CP-7", amount: "127.88" });
  });

  it("reads bindings as variables", () => {
    const mapping = compileExpression(`$lookup($entities, code).erp`);
    expect(mapping.evaluate({ code: "US01" }, { entities: { US01: { erp: "1000" } } })).toBe("1000");
  });

  it("falls back to the interpreter for $eval and says so in mode", async () => {
    const mapping = compileExpression(`$eval("1 + x", $)`);
    expect(mapping.mode).toBe("interpreted");
    await expect(mapping.evaluate({ x: 2 })).resolves.toBe(3);
  });

  it("answers with a promise when a bound function is asynchronous", async () => {
    const mapping = compileExpression(`$fetch(id) & "!"`);
    const result = mapping.evaluate({ id: "a" }, { fetch: async (id: string) => id.toUpperCase() });
    expect(result).toBeInstanceOf(Promise);
    await expect(result).resolves.toBe("A!");
  });

  it("reports a syntax error with its code when compiling", () => {
    const err = thrown(() => compileExpression("a.("));
    expect(err.code).toMatch(/^S0/);
  });

  it("reports a type error with the operator's code, position and token", () => {
    const err = thrown(() => compileExpression(`"a" + 1`).evaluate(undefined));
    expect([err.code, err.position, err.token]).toEqual(["T2001", 5, "+"]);
    expect(err.message).toContain("left side");
  });

  it("reports one timestamp for every $now() and $millis() in an evaluation", () => {
    const [first, second, millis] = compileExpression("[$now(), $now(), $millis()]").evaluate(undefined) as [string, string, number];
    expect(first).toBe(second);
    expect(new Date(first).getTime()).toBe(millis);
  });

  it("lets a binding shadow a built-in function", () => {
    expect(compileExpression("$string(5)").evaluate(undefined, { string: (n: number) => `#${n}` })).toBe("#5");
  });

  it("gives the generated JavaScript as source", () => {
    const source = compileExpression("a.b").source;
    expect(source).toContain('from "syncspec/transform"');
    expect(source).toContain("export function evaluate");
  });
});

describe("guardrails", () => {
  const countdown = `( $f := function($n) { $n = 0 ? "done" : $f($n - 1) }; $f(n) )`;
  const nested = `( $f := function($n) { $n = 0 ? 0 : 1 + $f($n - 1) }; $f(n) )`;

  it("runs tail calls without growing the stack", () => {
    expect(compileExpression(countdown, { stack: 20 }).evaluate({ n: 200_000 })).toBe("done");
  });

  it("fails with D1011 when function application nests deeper than `stack`", () => {
    expect(compileExpression(nested, { stack: 50 }).evaluate({ n: 40 })).toBe(40);
    expect(thrown(() => compileExpression(nested, { stack: 50 }).evaluate({ n: 60 })).code).toBe("D1011");
  });

  it("turns a host stack overflow into D1011", () => {
    expect(thrown(() => compileExpression(nested).evaluate({ n: 1_000_000 })).code).toBe("D1011");
  });

  it("fails with D1012 when an evaluation runs longer than `timeout`", () => {
    const forever = compileExpression(`( $f := function() { $f() }; $f() )`, { timeout: 100 });
    const started = Date.now();
    expect(thrown(() => forever.evaluate(undefined)).code).toBe("D1012");
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("fails with D2014 for a range longer than 1e7 and D2015 past the `sequence` limit", () => {
    expect(thrown(() => compileExpression("[1..10000001]").evaluate(undefined)).code).toBe("D2014");
    expect(thrown(() => compileExpression("[1..100]", { sequence: 50 }).evaluate(undefined)).code).toBe("D2015");
    expect(thrown(() => compileExpression("items.x", { sequence: 3 }).evaluate({ items: [1, 2, 3, 4].map((x) => ({ x })) })).code).toBe(
      "D2015",
    );
  });

  it("finishes a catastrophically backtracking regular expression in linear time", () => {
    const started = Date.now();
    const match = compileExpression(`$contains(s, /^(a+)+$/)`);
    expect(match.evaluate({ s: `${"a".repeat(40)}b` })).toBe(false);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("stops a backtracking regular expression V8 cannot run in linear time with D1012", () => {
    const saved = regexLimits.timeLimit;
    regexLimits.timeLimit = 100;
    try {
      const started = Date.now();
      const match = compileExpression(`$contains(s, /^(a+)+$/i)`);
      expect(thrown(() => match.evaluate({ s: `${"a".repeat(40)}b` })).code).toBe("D1012");
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(match.evaluate({ s: "aaa" })).toBe(true);
    } finally {
      regexLimits.timeLimit = saved;
    }
  });
});
