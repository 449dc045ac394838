/** The require step in the compiler: it names the entity and the system it must exist in, its key path is a field of the record at the step; its wait is lowered to milliseconds. */
import { checkKeyPaths } from "../../compiler/check/check-lookups.ts";
import { durationMs } from "../../pipeline/definitions.ts";
import type { StepCompiler } from "../compile-kind.ts";

/** The require kind in the compiler. */
export const requireCompiler: StepCompiler<"require"> = {
  kind: "require",
  checkReferences(check, r, at) {
    check.entity([...at, "require", "entity"], r.entity);
    check.system([...at, "require", "system"], r.system);
  },
  checkExpressions: (check, r, at, scope) => checkKeyPaths(check.cx, check.doc, [...at, "require", "key"], r.key, scope),
  lower: (_lowering, r) => ({ entity: r.entity, system: r.system, key: r.key, ...(r.wait !== undefined ? { waitMs: durationMs(r.wait) } : {}) }),
  describe: (r) => `require ${r.entity} in ${r.system}${r.wait === undefined ? "" : `, waiting up to ${r.wait}`}`,
  diagram: (r) => ({ waitsFor: { system: r.system, entity: r.entity } }),
};
