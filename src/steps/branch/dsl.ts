/** The branch step in the DSL: `branch { when {{ ... }} { steps } ... otherwise { steps } }`. */
import { endOf, jsonataOf, type Obj, put, setToken, startOf, sub, subs, tok } from "../../compiler/parse/dsl/lowering.ts";
import { isObj, isStr, jsonata, only } from "../../compiler/parse/dsl/print-words.ts";
import type { StepDsl } from "../dsl-kind.ts";

/** The branch kind in the DSL. */
export const branchDsl: StepDsl<"branch"> = {
  kind: "branch",
  keyword: "branch",
  rule: "branchAction",
  lower({ cx, action, at, step, keyword, steps }) {
    const p = [...at, "branch"];
    cx.rec.range(p, startOf(action), endOf(action), startOf(keyword), endOf(keyword));
    const arms = subs(action, "branchArm").map((arm, i) => {
      const ap = [...p, i];
      cx.rec.statement(ap, startOf(arm), endOf(arm));
      cx.rec.range(ap, startOf(arm), endOf(arm));
      const a: Obj = {};
      if (tok(arm, "When") !== undefined) setToken(cx, a, "when", jsonataOf(cx, sub(arm, "jsonata"), [...ap, "when"]), ap, tok(arm, "When"), sub(arm, "jsonata"));
      a["steps"] = steps(sub(arm, "stepBlock"), [...ap, "steps"]);
      cx.rec.range([...ap, "steps"], startOf(sub(arm, "stepBlock")), endOf(sub(arm, "stepBlock")));
      return a;
    });
    const close = tok(action, "RCurly");
    if (close !== undefined) cx.rec.blockEnd(p, close.startOffset);
    put(cx, step, "branch", arms, p, startOf(keyword), endOf(keyword));
  },
  fits: (v) =>
    Array.isArray(v) && v.every((b) => isObj(b) && only(b, ["when", "steps"]) && (b["when"] === undefined || isStr(b["when"])) && Array.isArray(b["steps"])),
  print(out, value) {
    const { indent, at } = out;
    out.push(`${indent}${out.label}branch {`);
    (value as Obj[]).forEach((b, i) => {
      const bp = [...at, "branch", i];
      const head = isStr(b["when"]) ? `when ${jsonata(b["when"], `${indent}  `)}` : "otherwise";
      out.lead(bp, `${indent}  `);
      out.push(`${indent}  ${head} {`);
      out.steps([...bp, "steps"], b["steps"] as unknown[], `${indent}  `);
      out.push(out.pop() + out.trail(bp));
    });
    for (const comment of out.dangling([...at, "branch"])) out.push(`${indent}  ${comment}`);
    out.push(`${indent}}${out.modifiers}${out.trail(at)}`);
  },
};
