/** The emit step in the DSL: `emit <event>[(<entity>)]`. */
import { endOf, nameOf, type Obj, put, setToken, startOf, subs } from "../../compiler/parse/dsl/lowering.ts";
import { isObj, isStr, name, only } from "../../compiler/parse/dsl/print-words.ts";
import type { StepDsl } from "../dsl-kind.ts";

/** The emit kind in the DSL. */
export const emitDsl: StepDsl<"emit"> = {
  kind: "emit",
  keyword: "emit",
  rule: "emitAction",
  lower({ cx, action, at, step, keyword }) {
    const names = subs(action, "name");
    const p = [...at, "emit"];
    cx.rec.range(p, startOf(action), endOf(action), startOf(keyword), endOf(keyword));
    const e: Obj = {};
    setToken(cx, e, "event", nameOf(cx, names[0], [...p, "event"]), p, undefined, names[0]);
    if (names[1] !== undefined) setToken(cx, e, "entity", nameOf(cx, names[1], [...p, "entity"]), p, undefined, names[1]);
    put(cx, step, "emit", e, p, startOf(keyword), endOf(keyword));
  },
  fits: (v) => isObj(v) && only(v, ["event", "entity"]) && isStr(v["event"]) && (v["entity"] === undefined || isStr(v["entity"])),
  print(out, value) {
    const e = value as Obj;
    const entity = isStr(e["entity"]) ? `(${name(e["entity"])})` : "";
    out.push(`${out.indent}${out.label}emit ${name(e["event"] as string)}${entity}${out.modifiers}${out.trail(out.at)}`);
  },
};
