/** The validate step in the compiler: it names an entity, and lowers to that entity's validator. */
import type { StepCompiler } from "../compile-kind.ts";

/** The validate kind in the compiler. */
export const validateCompiler: StepCompiler<"validate"> = {
  kind: "validate",
  checkReferences: (check, entity, at) => void check.entity([...at, "validate"], entity),
  lower: (lowering, entity) => ({ entity, validator: lowering.validator(entity) }),
  describe: (entity) => `validate against ${entity}`,
};
