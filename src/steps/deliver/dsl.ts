/**
 * The deliver step in the DSL: `deliver <system.operation> [using <mapping>] [with <param>: {{ ... }}, ...]`,
 * where a parameter is a path parameter, `query <name>: {{ ... }}` or `header <name>: {{ ... }}`.
 */
import { endOf, jsonataOf, nameOf, type Obj, objectAt, put, qualifiedOf, setToken, startOf, sub, subs, tok } from "../../compiler/parse/dsl/lowering.ts";
import { isObj, isStr, jsonata, name, only, qualified } from "../../compiler/parse/dsl/print-words.ts";
import type { StepDsl } from "../dsl-kind.ts";

/** Where each kind of parameter is kept, and the word that marks it in the DSL. */
const PARAMS = [
  ["params", ""],
  ["query", "query "],
  ["headers", "header "],
] as const;

/** A non-empty object of expressions by name. */
const expressions = (v: unknown) => isObj(v) && Object.keys(v).length > 0 && Object.values(v).every(isStr);

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
    // Path parameters under `params`; `query name:` and `header name:` under `query` and `headers`.
    for (const [key, kind] of [["params", undefined], ["query", "Query"], ["headers", "Header"]] as const) {
      const given = params.filter((param) => (kind === undefined ? tok(param, "Query") === undefined && tok(param, "Header") === undefined : tok(param, kind) !== undefined));
      if (given.length === 0) continue;
      const pp = [...p, key];
      const o = objectAt(cx, d, key, pp, startOf(given[0]), endOf(given[given.length - 1]));
      for (const param of given) {
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
    only(v, ["operation", "mapping", "params", "query", "headers"]) &&
    isStr(v["operation"]) &&
    (v["mapping"] === undefined || isStr(v["mapping"])) &&
    PARAMS.every(([key]) => v[key] === undefined || expressions(v[key])),
  print(out, value) {
    const d = value as Obj;
    const using = isStr(d["mapping"]) ? ` using ${name(d["mapping"])}` : "";
    const params = PARAMS.flatMap(([key, word]) =>
      isObj(d[key]) ? Object.entries(d[key]).map(([k, e]) => `${word}${name(k)}: ${jsonata(e as string, out.indent)}`) : [],
    );
    const given = params.length > 0 ? ` with ${params.join(", ")}` : "";
    out.push(`${out.indent}${out.label}deliver ${qualified(d["operation"] as string)}${using}${given}${out.modifiers}${out.trail(out.at)}`);
  },
};
