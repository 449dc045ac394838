/** The reject step in the DSL: `reject <reason> to <queue> owner <team> because {{ message }} [on <entity> key <path> field <path> to "<value>"]`. */
import type { CstNode } from "chevrotain";
import { endOf, jsonataOf, type Lowering, nameOf, type Path, type Obj, pathOf, put, setToken, startOf, stringOf, sub, subs, tok } from "../../compiler/parse/dsl/lowering.ts";
import { isObj, isStr, jsonata, name, only, path, quote } from "../../compiler/parse/dsl/print-words.ts";
import type { StepDsl } from "../dsl-kind.ts";


/** `on <entity> key <path> field <path> to "<value>"`: the declared release, when written. */
function lowerRelease(cx: Lowering, action: CstNode, r: Obj, p: Path): void {
  const on = tok(action, "On");
  if (on === undefined) return;
  const at = [...p, "release"];
  const value = tok(action, "StringLiteral") as NonNullable<ReturnType<typeof tok>>;
  cx.rec.range(at, startOf(on), endOf(value), startOf(on), endOf(on));
  const release: Obj = {};
  const entity = subs(action, "name")[3];
  setToken(cx, release, "entity", nameOf(cx, entity, [...at, "entity"]), at, undefined, entity);
  setToken(cx, release, "key", pathOf(cx, sub(action, "path", 0), [...at, "key"]), at, tok(action, "Key"), sub(action, "path", 0));
  setToken(cx, release, "field", pathOf(cx, sub(action, "path", 1), [...at, "field"]), at, tok(action, "Field"), sub(action, "path", 1));
  setToken(cx, release, "equals", stringOf(cx, value, [...at, "equals"]), at, tok(action, "To", 1), value);
  put(cx, r, "release", release, at, startOf(on), endOf(on));
}

function fitsRelease(v: unknown): boolean {
  return v === undefined || (isObj(v) && only(v, ["entity", "key", "field", "equals"]) && isStr(v["entity"]) && isStr(v["key"]) && isStr(v["field"]) && isStr(v["equals"]));
}

function printRelease(v: unknown): string {
  if (!isObj(v)) return "";
  return ` on ${name(v["entity"] as string)} key ${path(v["key"] as string)} field ${path(v["field"] as string)} to ${quote(v["equals"] as string)}`;
}

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
    lowerRelease(cx, action, r, p);
    put(cx, step, "reject", r, p, startOf(keyword), endOf(keyword));
  },
  fits: (v) =>
    isObj(v) &&
    only(v, ["reason", "message", "queue", "owner", "release"]) &&
    isStr(v["reason"]) &&
    isStr(v["message"]) &&
    isStr(v["queue"]) &&
    isStr(v["owner"]) &&
    fitsRelease(v["release"]),
  print(out, value) {
    const r = value as Obj;
    const head = `reject ${name(r["reason"] as string)} to ${name(r["queue"] as string)} owner ${name(r["owner"] as string)}`;
    out.push(`${out.indent}${out.label}${head} because ${jsonata(r["message"] as string, out.indent)}${printRelease(r["release"])}${out.modifiers}${out.trail(out.at)}`);
  },
};
