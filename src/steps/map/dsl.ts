/** The map step in the DSL: `map <mapping>`. */
import { nameOf, setToken, subs, tok } from "../../compiler/parse/dsl/lowering.ts";
import { isStr, name } from "../../compiler/parse/dsl/print-words.ts";
import type { StepDsl } from "../dsl-kind.ts";

/** The map kind in the DSL. */
export const mapDsl: StepDsl<"map"> = {
  kind: "map",
  keyword: "map",
  rule: "mapAction",
  lower({ cx, action, at, step }) {
    const mapping = subs(action, "name")[0];
    setToken(cx, step, "map", nameOf(cx, mapping, [...at, "map"]), at, tok(action, "Map"), mapping);
  },
  fits: isStr,
  print: (out, mapping) => out.push(`${out.indent}${out.label}map ${name(mapping as string)}${out.modifiers}${out.trail(out.at)}`),
};
