/** The validate step in the DSL: `validate <entity>`. */
import { nameOf, setToken, subs, tok } from "../../compiler/parse/dsl/lowering.ts";
import { isStr, name } from "../../compiler/parse/dsl/print-words.ts";
import type { StepDsl } from "../dsl-kind.ts";

/** The validate kind in the DSL. */
export const validateDsl: StepDsl<"validate"> = {
  kind: "validate",
  keyword: "validate",
  rule: "validateAction",
  lower({ cx, action, at, step }) {
    const entity = subs(action, "name")[0];
    setToken(cx, step, "validate", nameOf(cx, entity, [...at, "validate"]), at, tok(action, "Validate"), entity);
  },
  fits: isStr,
  print: (out, entity) => out.push(`${out.indent}${out.label}validate ${name(entity as string)}${out.modifiers}${out.trail(out.at)}`),
};
