/** The require step in the DSL: `require <entity> in <system> by <path> [wait <duration>]`. */
import { durationOf, endOf, nameOf, type Obj, pathOf, put, setToken, startOf, sub, subs, tok } from "../../compiler/parse/dsl/lowering.ts";
import { duration, isObj, isStr, name, only, path } from "../../compiler/parse/dsl/print-words.ts";
import type { StepDsl } from "../dsl-kind.ts";

/** The require kind in the DSL. */
export const requireDsl: StepDsl<"require"> = {
  kind: "require",
  keyword: "require",
  rule: "requireAction",
  lower({ cx, action, at, step, keyword }) {
    const names = subs(action, "name");
    const p = [...at, "require"];
    cx.rec.range(p, startOf(action), endOf(action), startOf(keyword), endOf(keyword));
    const r: Obj = {};
    setToken(cx, r, "entity", nameOf(cx, names[0], [...p, "entity"]), p, undefined, names[0]);
    setToken(cx, r, "system", nameOf(cx, names[1], [...p, "system"]), p, tok(action, "In"), names[1]);
    setToken(cx, r, "key", pathOf(cx, sub(action, "path"), [...p, "key"]), p, tok(action, "By"), sub(action, "path"));
    if (tok(action, "Wait") !== undefined) setToken(cx, r, "wait", durationOf(cx, sub(action, "duration"), [...p, "wait"]), p, tok(action, "Wait"), sub(action, "duration"));
    put(cx, step, "require", r, p, startOf(keyword), endOf(keyword));
  },
  fits: (v) =>
    isObj(v) && only(v, ["entity", "system", "key", "wait"]) && isStr(v["entity"]) && isStr(v["system"]) && isStr(v["key"]) && (v["wait"] === undefined || isStr(v["wait"])),
  print(out, value) {
    const r = value as Obj;
    const wait = isStr(r["wait"]) ? ` wait ${duration(r["wait"])}` : "";
    out.push(
      `${out.indent}${out.label}require ${name(r["entity"] as string)} in ${name(r["system"] as string)} by ${path(r["key"] as string)}${wait}${out.modifiers}${out.trail(out.at)}`,
    );
  },
};
