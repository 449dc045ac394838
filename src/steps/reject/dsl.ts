/** The reject step in the DSL: `reject <reason> to <queue> owner <team> because {{ message }}`. */
import { endOf, jsonataOf, nameOf, type Obj, put, setToken, startOf, sub, subs, tok } from "../../compiler/parse/dsl/lowering.ts";
import { isObj, isStr, jsonata, name, only } from "../../compiler/parse/dsl/print-words.ts";
import type { StepDsl } from "../dsl-kind.ts";

/** The reject kind in the DSL. */
export const rejectDsl: StepDsl<"reject"> = {
  kind: "reject",
  keyword: "reject",
  rule: "rejectAction",
  lower({ cx, action, at, step, keyword }) {
    const names = subs(action, "name");
    const p = [...at, "reject"];
    cx.rec.range(p, startOf(action), endOf(action), startOf(keyword), endOf(keyword));
    const r: Obj = {};
    setToken(cx, r, "reason", nameOf(cx, names[0], [...p, "reason"]), p, undefined, names[0]);
    setToken(cx, r, "queue", nameOf(cx, names[1], [...p, "queue"]), p, tok(action, "To"), names[1]);
    setToken(cx, r, "owner", nameOf(cx, names[2], [...p, "owner"]), p, tok(action, "Owner"), names[2]);
    setToken(cx, r, "message", jsonataOf(cx, sub(action, "jsonata"), [...p, "message"]), p, tok(action, "Because"), sub(action, "jsonata"));
    put(cx, step, "reject", r, p, startOf(keyword), endOf(keyword));
  },
  fits: (v) =>
    isObj(v) && only(v, ["reason", "message", "queue", "owner"]) && isStr(v["reason"]) && isStr(v["message"]) && isStr(v["queue"]) && isStr(v["owner"]),
  print(out, value) {
    const r = value as Obj;
    const head = `reject ${name(r["reason"] as string)} to ${name(r["queue"] as string)} owner ${name(r["owner"] as string)}`;
    out.push(`${out.indent}${out.label}${head} because ${jsonata(r["message"] as string, out.indent)}${out.modifiers}${out.trail(out.at)}`);
  },
};
