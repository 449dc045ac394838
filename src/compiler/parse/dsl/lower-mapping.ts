/** Lowering mapping statements: `from`, `to`, `lookup` and `test`. */
import type { CstNode } from "chevrotain";
import type { MappingStatementCstNode } from "./cst-types.ts";
import { arrayAt, blockOf, endOf, type Lowering, nameOf, noteInto, type Obj, objectAt, plainEntry, put, setToken, startOf, statementOf, stringOf, sub, subs, textOf, tok } from "./lowering.ts";

/** Lowers one statement of a mapping body into `spec` (and `metadata`). */
export function mappingStatement(cx: Lowering, node: MappingStatementCstNode | CstNode, spec: Obj, metadata: Obj): void {
  const statement = statementOf(node);
  if (statement === undefined) return;
  const { kind, s, start, end, kw } = statement;
  switch (kind) {
    case "fromClause":
    case "toClause": {
      const key = kind === "fromClause" ? "source" : "target";
      const at = ["spec", key];
      cx.rec.statement(at, start, end);
      const ref = sub(s, "shapeRef");
      cx.rec.range(at, startOf(ref), endOf(ref), start, endOf(kw));
      const first = nameOf(cx, sub(ref, "name"), [...at, "entity"]);
      const second = tok(ref, "Word") ?? tok(ref, "StringLiteral");
      let shape: Obj;
      if (second === undefined) {
        shape = { entity: first };
        cx.rec.range([...at, "entity"], startOf(ref), endOf(ref));
      } else {
        const schema = second.tokenType.name === "StringLiteral" ? stringOf(cx, second, [...at, "schema"]) : second.image;
        shape = { system: first, schema };
        cx.rec.range([...at, "system"], startOf(sub(ref, "name")), endOf(sub(ref, "name")));
        cx.rec.range([...at, "schema"], startOf(second), endOf(second));
      }
      put(cx, spec, key, shape, at, start, endOf(kw));
      break;
    }
    case "lookupClause": {
      const names = subs(s, "name");
      const lookups = objectAt(cx, spec, "lookups", ["spec", "lookups"], start, end);
      const name = nameOf(cx, names[0], []);
      const at = ["spec", "lookups", name];
      cx.rec.statement(at, start, end);
      cx.rec.range(at, start, end, startOf(names[0]), endOf(names[0]));
      const l: Obj = {};
      setToken(cx, l, "kind", tok(s, "Word")?.image ?? "", at, undefined, tok(s, "Word"));
      setToken(cx, l, "entity", nameOf(cx, names[1], [...at, "entity"]), at, undefined, names[1]);
      let next = 2;
      if (tok(s, "From") !== undefined) {
        setToken(cx, l, "from", nameOf(cx, names[next], [...at, "from"]), at, tok(s, "From"), names[next]);
        next++;
      }
      if (tok(s, "To") !== undefined) setToken(cx, l, "to", nameOf(cx, names[next], [...at, "to"]), at, tok(s, "To"), names[next]);
      const note = sub(s, "note");
      if (note !== undefined) noteInto(cx, l, note, at);
      put(cx, lookups, name, l, at, startOf(names[0]), endOf(names[0]));
      break;
    }
    case "testClause": {
      const tests = arrayAt(cx, spec, "tests", ["spec", "tests"], start, end);
      const at = ["spec", "tests", tests.length];
      cx.rec.statement(at, start, end);
      cx.rec.range(at, start, end, start, endOf(kw));
      const test: Obj = {};
      setToken(cx, test, "name", textOf(cx, sub(s, "text"), [...at, "name"]), at, kw, sub(s, "text"));
      const block = sub(s, "block");
      if (block !== undefined) blockOf(cx, block, at, test);
      tests.push(test);
      break;
    }
    case "plainEntry":
      plainEntry(cx, s, spec, metadata);
      break;
  }
}
