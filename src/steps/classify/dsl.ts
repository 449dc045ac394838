/** The classify step in the DSL: `classify <as> { when {{ ... }} then <value> ... otherwise <value> }`. */
import { endOf, jsonataOf, nameOf, type Obj, put, setToken, startOf, sub, subs, textOf, tok } from "../../compiler/parse/dsl/lowering.ts";
import { isObj, isStr, jsonata, name, only, text } from "../../compiler/parse/dsl/print-words.ts";
import type { StepDsl } from "../dsl-kind.ts";

/** The classify kind in the DSL. */
export const classifyDsl: StepDsl<"classify"> = {
  kind: "classify",
  keyword: "classify",
  rule: "classifyAction",
  lower({ cx, action, at, step, keyword }) {
    const names = subs(action, "name");
    const p = [...at, "classify"];
    cx.rec.range(p, startOf(action), endOf(action), startOf(keyword), endOf(keyword));
    const c: Obj = {};
    setToken(cx, c, "as", nameOf(cx, names[0], [...p, "as"]), p, undefined, names[0]);
    c["rules"] = subs(action, "classifyRule").map((rule, i) => {
      const rp = [...p, "rules", i];
      cx.rec.statement(rp, startOf(rule), endOf(rule));
      cx.rec.range(rp, startOf(rule), endOf(rule));
      const r: Obj = {};
      setToken(cx, r, "when", jsonataOf(cx, sub(rule, "jsonata"), [...rp, "when"]), rp, tok(rule, "When"), sub(rule, "jsonata"));
      setToken(cx, r, "value", textOf(cx, sub(rule, "text"), [...rp, "value"]), rp, tok(rule, "Then"), sub(rule, "text"));
      return r;
    });
    setToken(cx, c, "otherwise", textOf(cx, sub(action, "text"), [...p, "otherwise"]), p, tok(action, "Otherwise"), sub(action, "text"));
    const close = tok(action, "RCurly");
    if (close !== undefined) cx.rec.blockEnd(p, close.startOffset);
    put(cx, step, "classify", c, p, startOf(keyword), endOf(keyword));
  },
  fits: (v) =>
    isObj(v) &&
    only(v, ["as", "rules", "otherwise"]) &&
    isStr(v["as"]) &&
    isStr(v["otherwise"]) &&
    Array.isArray(v["rules"]) &&
    v["rules"].every((r) => isObj(r) && only(r, ["when", "value"]) && isStr(r["when"]) && isStr(r["value"])),
  print(out, value) {
    const { indent, at } = out;
    const c = value as Obj;
    out.push(`${indent}${out.label}classify ${name(c["as"] as string)} {`);
    (c["rules"] as Obj[]).forEach((r, i) => {
      const rp = [...at, "classify", "rules", i];
      out.statement(rp, `${indent}  `, `when ${jsonata(r["when"] as string, `${indent}  `)} then ${text(r["value"] as string)}`);
    });
    out.push(`${indent}  otherwise ${text(c["otherwise"] as string)}`);
    for (const comment of out.dangling([...at, "classify"])) out.push(`${indent}  ${comment}`);
    out.push(`${indent}}${out.modifiers}${out.trail(at)}`);
  },
};
