/** The deliver step in the DSL: `deliver <system.operation> [using <mapping>] [with <param>: {{ ... }}, ...]`. */
import { endOf, jsonataOf, nameOf, type Obj, objectAt, put, qualifiedOf, setToken, startOf, sub, subs, tok } from "../../compiler/parse/dsl/lowering.ts";
import { isObj, isStr, jsonata, name, only, qualified } from "../../compiler/parse/dsl/print-words.ts";
import type { StepDsl } from "../dsl-kind.ts";

/** The deliver kind in the DSL. */
export const deliverDsl: StepDsl<"deliver"> = {
  kind: "deliver",
  keyword: "deliver",
  rule: "deliverAction",
  lower({ cx, action, at, step, keyword }) {
    const names = subs(action, "name");
    const p = [...at, "deliver"];
    cx.rec.range(p, startOf(action), endOf(action), startOf(keyword), endOf(keyword));
    const d: Obj = {};
    const ref = sub(action, "qualifiedRef");
    setToken(cx, d, "operation", qualifiedOf(cx, ref, [...p, "operation"]), p, undefined, ref);
    if (tok(action, "Using") !== undefined) setToken(cx, d, "mapping", nameOf(cx, names[0], [...p, "mapping"]), p, tok(action, "Using"), names[0]);
    const params = subs(action, "deliverParam");
    if (params.length > 0) {
      const pp = [...p, "params"];
      const o = objectAt(cx, d, "params", pp, startOf(tok(action, "With")), endOf(params[params.length - 1]));
      for (const param of params) {
        const label = sub(param, "name");
        const expression = sub(param, "jsonata");
        const where = [...pp, nameOf(cx, label, pp)];
        cx.rec.range(where, startOf(expression), endOf(expression), startOf(label), endOf(label));
        put(cx, o, where[where.length - 1] as string, jsonataOf(cx, expression, where), where, startOf(label), endOf(label));
      }
    }
    put(cx, step, "deliver", d, p, startOf(keyword), endOf(keyword));
  },
  fits: (v) =>
    isObj(v) &&
    only(v, ["operation", "mapping", "params"]) &&
    isStr(v["operation"]) &&
    (v["mapping"] === undefined || isStr(v["mapping"])) &&
    (v["params"] === undefined || (isObj(v["params"]) && Object.keys(v["params"]).length > 0 && Object.values(v["params"]).every(isStr))),
  print(out, value) {
    const d = value as Obj;
    const using = isStr(d["mapping"]) ? ` using ${name(d["mapping"])}` : "";
    const params = isObj(d["params"]) ? Object.entries(d["params"]).map(([k, e]) => `${name(k)}: ${jsonata(e as string, out.indent)}`) : [];
    const given = params.length > 0 ? ` with ${params.join(", ")}` : "";
    out.push(`${out.indent}${out.label}deliver ${qualified(d["operation"] as string)}${using}${given}${out.modifiers}${out.trail(out.at)}`);
  },
};
