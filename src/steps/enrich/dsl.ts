/**
 * The enrich step in the DSL: `enrich <as> with <lookup> <entity> [from <system>] [to <system>]
 * [matching <field>[, <field>...]] by <path>[, <path>...] [on <path>] [wait <duration>]`.
 */
import { durationOf, endOf, listOf, nameOf, type Obj, pathOf, put, setToken, startOf, sub, subs, tok } from "../../compiler/parse/dsl/lowering.ts";
import { duration, IDENT, isObj, isStr, name, only, path } from "../../compiler/parse/dsl/print-words.ts";

const isStrList = (x: unknown): x is string[] => Array.isArray(x) && x.length > 0 && x.every(isStr);
import type { StepDsl } from "../dsl-kind.ts";

/** The enrich kind in the DSL. */
export const enrichDsl: StepDsl<"enrich"> = {
  kind: "enrich",
  keyword: "enrich",
  rule: "enrichAction",
  lower({ cx, action, at, step, keyword }) {
    const names = subs(action, "name");
    const e: Obj = {};
    const p = [...at, "enrich"];
    cx.rec.range(p, startOf(action), endOf(action), startOf(tok(action, "Enrich")), endOf(tok(action, "Enrich")));
    setToken(cx, e, "lookup", tok(action, "Word")?.image ?? "", p, tok(action, "With"), tok(action, "Word"));
    setToken(cx, e, "entity", nameOf(cx, names[1], [...p, "entity"]), p, undefined, names[1]);
    let next = 2;
    if (tok(action, "From") !== undefined) {
      setToken(cx, e, "from", nameOf(cx, names[next], [...p, "from"]), p, tok(action, "From"), names[next]);
      next++;
    }
    if (tok(action, "To") !== undefined) setToken(cx, e, "to", nameOf(cx, names[next], [...p, "to"]), p, tok(action, "To"), names[next]);
    const lists = subs(action, "pathList");
    // With `matching`, its list comes first and the key's second.
    const matching = tok(action, "Matching") === undefined ? undefined : lists[0];
    const keyList = matching === undefined ? lists[0] : lists[1];
    if (matching !== undefined) setToken(cx, e, "match", listOf(cx, subs(matching, "path"), [...p, "match"], (n, mp) => pathOf(cx, n, mp)), p, tok(action, "Matching"), matching);
    const keys = subs(keyList, "path");
    const key = keys.length === 1 ? pathOf(cx, keys[0], [...p, "key"]) : listOf(cx, keys, [...p, "key"], (n, kp) => pathOf(cx, n, kp));
    setToken(cx, e, "key", key, p, tok(action, "By"), keyList);
    if (tok(action, "On") !== undefined) setToken(cx, e, "asOf", pathOf(cx, sub(action, "path"), [...p, "asOf"]), p, tok(action, "On"), sub(action, "path"));
    if (tok(action, "Wait") !== undefined) setToken(cx, e, "wait", durationOf(cx, sub(action, "duration"), [...p, "wait"]), p, tok(action, "Wait"), sub(action, "duration"));
    setToken(cx, e, "as", nameOf(cx, names[0], [...p, "as"]), p, undefined, names[0]);
    put(cx, step, "enrich", e, p, startOf(keyword), endOf(keyword));
  },
  fits: (v) =>
    isObj(v) &&
    only(v, ["lookup", "entity", "from", "to", "match", "key", "asOf", "wait", "as"]) &&
    (v["match"] === undefined || isStrList(v["match"])) &&
    isStr(v["lookup"]) &&
    IDENT.test(v["lookup"]) &&
    isStr(v["entity"]) &&
    (isStr(v["key"]) || isStrList(v["key"])) &&
    (v["asOf"] === undefined || isStr(v["asOf"])) &&
    (v["wait"] === undefined || isStr(v["wait"])) &&
    isStr(v["as"]) &&
    (v["from"] === undefined || isStr(v["from"])) &&
    (v["to"] === undefined || isStr(v["to"])),
  print(out, value) {
    const e = value as Obj;
    const from = isStr(e["from"]) ? ` from ${name(e["from"])}` : "";
    const to = isStr(e["to"]) ? ` to ${name(e["to"])}` : "";
    const key = isStrList(e["key"]) ? e["key"].map(path).join(", ") : path(e["key"] as string);
    const match = isStrList(e["match"]) ? ` matching ${e["match"].map(path).join(", ")}` : "";
    const asOf = isStr(e["asOf"]) ? ` on ${path(e["asOf"])}` : "";
    const wait = isStr(e["wait"]) ? ` wait ${duration(e["wait"])}` : "";
    out.push(
      `${out.indent}${out.label}enrich ${name(e["as"] as string)} with ${e["lookup"]} ${name(e["entity"] as string)}${from}${to}${match} by ${key}${asOf}${wait}${out.modifiers}${out.trail(out.at)}`,
    );
  },
};
