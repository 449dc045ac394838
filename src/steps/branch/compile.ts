/**
 * The branch step in the compiler: each branch's condition is checked against the record, and its
 * steps are walked from the scope before the branch. A branch that maps or enriches leaves the
 * record in a shape only the run knows; a class one branch sets may be read after it.
 */
import type { StepScope } from "../../compiler/check/route-records.ts";
import type { ShapeField } from "../../compiler/check/shapes.ts";
import { checkRouteExpression } from "../../compiler/check/route-expressions.ts";
import type { Step } from "../../model/index.ts";
import type { StepCompiler } from "../compile-kind.ts";

/** The branch kind in the compiler. */
export const branchCompiler: StepCompiler<"branch"> = {
  kind: "branch",
  checkExpressions(check, branches, at, scope) {
    branches.forEach((branch, i) => {
      if (branch.when !== undefined) checkRouteExpression(check.cx, check.doc, [...at, "branch", i, "when"], branch.when, scope, "condition");
    });
  },
  nestedSteps: (branches, at) => branches.map((branch, b) => ({ steps: branch.steps as Step[], at: [...at, "branch", b, "steps"] })),
  after(flow, branches, _step, at, scope): StepScope {
    const ends = branches.map((branch, b) => flow.walk(branch.steps as Step[], [...at, "branch", b, "steps"], scope));
    const classes = new Map<string, ShapeField>(scope.classes);
    for (const end of ends) for (const [name, field] of end.classes) classes.set(name, field);
    // Lookups a branch binds stay bound after it at run time, but only in the events that took it.
    const lookups = scope.lookups === undefined ? {} : { lookups: scope.lookups };
    return { record: ends.some((end) => end.record !== scope.record) ? undefined : scope.record, classes, ...lookups };
  },
  lower: (lowering, branches, id) => ({
    branches: branches.map((branch, b) => {
      const when = lowering.condition(`${id}.branch-${b + 1}.when`, branch.when);
      const steps = lowering.steps(branch.steps as Step[], `${id}.branch-${b + 1}.`);
      return when === undefined ? { steps } : { when, steps };
    }),
  }),
  describe: (branches) => `branch (${branches.length} way${branches.length === 1 ? "" : "s"})`,
  diagram: (branches) => ({ ways: branches.map((b) => ({ ...(b.when === undefined ? {} : { when: b.when }), steps: b.steps as Step[] })) }),
};
