/** The reject step in the compiler: its message is checked against the record where it runs, and lowered as an expression. */
import { checkRouteExpression } from "../../compiler/check/route-expressions.ts";
import type { StepCompiler } from "../compile-kind.ts";

/** The reject kind in the compiler. */
export const rejectCompiler: StepCompiler<"reject"> = {
  kind: "reject",
  checkExpressions(check, reject, at, scope) {
    checkRouteExpression(check.cx, check.doc, [...at, "reject", "message"], reject.message, scope, "value");
  },
  lower: (lowering, r, id) => ({ reason: r.reason, message: lowering.expression(`${id}.message`, r.message), queue: r.queue, owner: r.owner }),
  describe: (r) => `reject as ${r.reason} to ${r.queue} (owned by ${r.owner})`,
};
