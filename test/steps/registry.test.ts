import { describe, expect, it } from "vitest";
import { dslParser } from "../../src/compiler/parse/dsl/parser.ts";
import { keywords } from "../../src/compiler/parse/dsl/tokens.ts";
import { STEP_ACTIONS } from "../../src/model/constants.ts";
import { Step } from "../../src/model/route.ts";
import { STEP_COMPILERS } from "../../src/steps/compile-registry.ts";
import { STEP_DSL, stepWords } from "../../src/steps/dsl-registry.ts";
import { STEP_RUNNERS } from "../../src/steps/run-registry.ts";

describe("the step kind registries", () => {
  it("list the same kinds as the spec model, in the model's order, in the compiler and in the runtime", () => {
    expect(Object.keys(STEP_COMPILERS)).toEqual([...STEP_ACTIONS]);
    expect(Object.keys(STEP_RUNNERS)).toEqual([...STEP_ACTIONS]);
    expect(Object.keys(STEP_DSL)).toEqual([...STEP_ACTIONS]);
    const stepSchema = Step as unknown as { properties: Record<string, unknown> };
    expect(Object.keys(stepSchema.properties).filter((key) => !["id", "description", "when"].includes(key))).toEqual([...STEP_ACTIONS]);
  });

  it("file each kind's halves under the kind's own name", () => {
    for (const kind of STEP_ACTIONS) {
      expect(STEP_COMPILERS[kind].kind).toBe(kind);
      expect(STEP_RUNNERS[kind].kind).toBe(kind);
      expect(STEP_DSL[kind].kind).toBe(kind);
      expect(STEP_DSL[kind].rule).toBe(`${kind}Action`);
    }
  });

  it("give the parser's messages every kind's keyword as the words a step starts with", () => {
    expect(stepWords()).toBe("validate, map, enrich, classify, branch, require, deliver, reject, emit, keep or step { ... }");
  });

  it("find every kind's keyword among the lexer's keywords and its action rule in the parser", () => {
    const rules = new Set(Object.keys(dslParser().getGAstProductions()));
    for (const kind of STEP_ACTIONS) {
      expect(Object.hasOwn(keywords, STEP_DSL[kind].keyword)).toBe(true);
      expect(rules.has(STEP_DSL[kind].rule)).toBe(true);
    }
  });
});
