/**
 * The deliver step in the DSL: `deliver <system.operation> [using <mapping>] [with <param>: {{ ... }}, ...]`,
 * where a parameter is a path parameter, `query <name>: {{ ... }}` or `header <name>: {{ ... }}`;
 * then, on a versioned route, how a newer version corrects what it posted:
 * `correct by <reverse|adjust|update> <system.operation> [using <mapping>] [with <param>: {{ ... }}, ...]`.
 */
import type { CstNode } from "chevrotain";
import { endOf, jsonataOf, type Lowering, nameOf, type Obj, objectAt, type Path, put, qualifiedOf, setToken, startOf, sub, subs, tok } from "../../compiler/parse/dsl/lowering.ts";
import { isObj, isStr, jsonata, name, only, qualified } from "../../compiler/parse/dsl/print-words.ts";
import type { StepDsl } from "../dsl-kind.ts";

const KINDS = ["reverse", "adjust", "update"];

/** Where each kind of parameter is kept, the token that marks it in the DSL, and the word printed. */
const PARAMS = [
  ["params", undefined, ""],
  ["query", "Query", "query "],
  ["headers", "Header", "header "],
] as const;

/** A non-empty object of expressions by name. */
const expressions = (v: unknown) => isObj(v) && Object.keys(v).length > 0 && Object.values(v).every(isStr);

/** Lowers `operation [using mapping] [with params]` of `node` into `d`, whose path is `p`. */
function lowerCall(cx: Lowering, node: CstNode, d: Obj, p: Path, mapping: CstNode | undefined): void {
  const ref = sub(node, "qualifiedRef");
  setToken(cx, d, "operation", qualifiedOf(cx, ref, [...p, "operation"]), p, undefined, ref);
  if (tok(node, "Using") !== undefined) setToken(cx, d, "mapping", nameOf(cx, mapping, [...p, "mapping"]), p, tok(node, "Using"), mapping);
  const params = subs(node, "deliverParam");
  // Path parameters under `params`; `query name:` and `header name:` under `query` and `headers`.
  for (const [key, kind] of PARAMS) {
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
}

/** Whether `v` is a call the statement can say: an operation, maybe a mapping, maybe parameters of the kinds in `keys`. */
const fitsCall = (v: unknown, keys: readonly string[]): boolean =>
  isObj(v) &&
  only(v, ["operation", "mapping", ...keys]) &&
  isStr(v["operation"]) &&
  (v["mapping"] === undefined || isStr(v["mapping"])) &&
  keys.every((key) => v[key] === undefined || expressions(v[key]));

/** ` using <mapping> with <param>: {{ ... }}` as the statement prints a call's mapping and parameters. */
function printCall(call: Obj, indent: string): string {
  const using = isStr(call["mapping"]) ? ` using ${name(call["mapping"])}` : "";
  const params = PARAMS.flatMap(([key, , word]) => {
    const given = call[key];
    return isObj(given) ? Object.entries(given).map(([k, e]) => `${word}${name(k)}: ${jsonata(e as string, indent)}`) : [];
  });
  return `${using}${params.length > 0 ? ` with ${params.join(", ")}` : ""}`;
}

/** The deliver kind in the DSL. */
export const deliverDsl: StepDsl<"deliver"> = {
  kind: "deliver",
  keyword: "deliver",
  rule: "deliverAction",
  lower({ cx, action, at, step, keyword }) {
    const p = [...at, "deliver"];
    cx.rec.range(p, startOf(action), endOf(action), startOf(keyword), endOf(keyword));
    const d: Obj = {};
    lowerCall(cx, action, d, p, subs(action, "name")[0]);
    const correction = sub(action, "deliverCorrection");
    if (correction !== undefined) {
      const [kindNode, mapping] = subs(correction, "name");
      const cp = [...p, "correction"];
      const c = objectAt(cx, d, "correction", cp, startOf(correction), endOf(correction));
      const kind = nameOf(cx, kindNode, cp);
      const kp = [...cp, kind];
      const call = objectAt(cx, c, kind, kp, startOf(kindNode), endOf(correction));
      lowerCall(cx, correction, call, kp, mapping);
    }
    put(cx, step, "deliver", d, p, startOf(keyword), endOf(keyword));
  },
  fits: (v) => {
    if (!isObj(v) || !only(v, ["operation", "mapping", "params", "query", "headers", "correction"])) return false;
    const { correction, ...call } = v;
    if (!fitsCall(call, ["params", "query", "headers"])) return false;
    if (correction === undefined) return true;
    if (!isObj(correction)) return false;
    const ways = Object.keys(correction);
    return ways.length === 1 && KINDS.includes(ways[0] as string) && fitsCall(correction[ways[0] as string], ["params"]);
  },
  print(out, value) {
    const d = value as Obj;
    const correction = isObj(d["correction"]) ? Object.entries(d["correction"])[0] : undefined;
    const corrects = correction === undefined ? "" : ` correct by ${correction[0]} ${qualified((correction[1] as Obj)["operation"] as string)}${printCall(correction[1] as Obj, out.indent)}`;
    out.push(`${out.indent}${out.label}deliver ${qualified(d["operation"] as string)}${printCall(d, out.indent)}${corrects}${out.modifiers}${out.trail(out.at)}`);
  },
};
