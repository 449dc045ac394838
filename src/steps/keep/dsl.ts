/** The keep step in the DSL: `keep <entity> [version <path>]`. */
import { endOf, nameOf, type Obj, pathOf, put, setToken, startOf, sub, subs, tok } from "../../compiler/parse/dsl/lowering.ts";
import { isObj, isStr, name, only, path } from "../../compiler/parse/dsl/print-words.ts";
import type { StepDsl } from "../dsl-kind.ts";

/** The keep kind in the DSL. */
export const keepDsl: StepDsl<"keep"> = {
  kind: "keep",
  keyword: "keep",
  rule: "keepAction",
  lower({ cx, action, at, step, keyword }) {
    const names = subs(action, "name");
    const p = [...at, "keep"];
    cx.rec.range(p, startOf(action), endOf(action), startOf(keyword), endOf(keyword));
    const k: Obj = {};
    setToken(cx, k, "entity", nameOf(cx, names[0], [...p, "entity"]), p, undefined, names[0]);
    if (tok(action, "Version") !== undefined) setToken(cx, k, "version", pathOf(cx, sub(action, "path"), [...p, "version"]), p, tok(action, "Version"), sub(action, "path"));
    put(cx, step, "keep", k, p, startOf(keyword), endOf(keyword));
  },
  fits: (v) => isObj(v) && only(v, ["entity", "version"]) && isStr(v["entity"]) && (v["version"] === undefined || isStr(v["version"])),
  print(out, value) {
    const k = value as Obj;
    const version = isStr(k["version"]) ? ` version ${path(k["version"])}` : "";
    out.push(`${out.indent}${out.label}keep ${name(k["entity"] as string)}${version}${out.modifiers}${out.trail(out.at)}`);
  },
};
