/**
 * The classify step in the compiler: each rule's condition is checked against the record; after
 * it, `$class.<as>` is an enum of the values its rules and `otherwise` give.
 */
import { checkRouteExpression } from "../../compiler/check/route-expressions.ts";
import type { ShapeField } from "../../compiler/check/shapes.ts";
import type { StepCompiler, StepSpecOf } from "../compile-kind.ts";

/** The classes with `classify.as` added: an enum of the values its rules and otherwise give. */
function withClass(classes: ReadonlyMap<string, ShapeField>, classify: StepSpecOf<"classify">): ReadonlyMap<string, ShapeField> {
  const values = [...new Set([...classify.rules.map((rule) => rule.value), classify.otherwise])];
  return new Map(classes).set(classify.as, { name: classify.as, type: "enum", required: true, values });
}

/** The classify kind in the compiler. */
export const classifyCompiler: StepCompiler<"classify"> = {
  kind: "classify",
  checkExpressions(check, classify, at, scope) {
    classify.rules.forEach((rule, i) => checkRouteExpression(check.cx, check.doc, [...at, "classify", "rules", i, "when"], rule.when, scope, "condition"));
  },
  after: (_flow, classify, _step, _at, scope) => ({ ...scope, classes: withClass(scope.classes, classify) }),
  lower: (lowering, c, id) => ({
    as: c.as,
    rules: c.rules.map((rule, r) => ({ when: lowering.expression(`${id}.rules[${r}]`, rule.when), value: rule.value })),
    otherwise: c.otherwise,
  }),
  describe: (c) => `classify as ${c.as} (${c.rules.map((r) => r.value).join(", ")}, otherwise ${c.otherwise})`,
};
