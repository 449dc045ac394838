/** Lowering ownership statements: `entity ... owned by`, `created by`, `field ...`. */
import type { CstNode, IToken } from "chevrotain";
import type { OwnershipStatementCstNode } from "./cst-types.ts";
import { blockOf, endOf, listOf, type Lowering, nameOf, type Obj, objectAt, pathOf, plainEntry, put, setToken, startOf, statementOf, sub, subs, tok } from "./lowering.ts";

/** A `created by` / `updated by` / `replicated to` list. */
function ownershipList(cx: Lowering, s: CstNode, key: string, spec: Obj, kw: IToken | undefined): void {
  const at = ["spec", key];
  const start = startOf(s);
  cx.rec.statement(at, start, endOf(s));
  const list = sub(s, "nameList");
  cx.rec.range(at, startOf(list), endOf(list), start, endOf(tok(s, "By") ?? tok(s, "To")));
  put(cx, spec, key, listOf(cx, subs(list, "name"), at, (n, p) => nameOf(cx, n, p)), at, start, endOf(kw));
}

/** Lowers one statement of an ownership body into `spec` (and `metadata`). */
export function ownershipStatement(cx: Lowering, node: OwnershipStatementCstNode | CstNode, spec: Obj, metadata: Obj): void {
  const statement = statementOf(node);
  if (statement === undefined) return;
  const { kind, s, start, end, kw } = statement;
  const names = subs(s, "name");
  switch (kind) {
    case "entityClause":
      cx.rec.statement(["spec", "entity"], start, end);
      setToken(cx, spec, "entity", nameOf(cx, names[0], ["spec", "entity"]), ["spec"], kw, names[0]);
      setToken(cx, spec, "systemOfRecord", nameOf(cx, names[1], ["spec", "systemOfRecord"]), ["spec"], tok(s, "Owned"), names[1]);
      break;
    case "createdClause":
      ownershipList(cx, s, "create", spec, kw);
      break;
    case "updatedClause":
      ownershipList(cx, s, "update", spec, kw);
      break;
    case "replicatedClause":
      ownershipList(cx, s, "replicas", spec, kw);
      break;
    case "fieldClause": {
      const fields = objectAt(cx, spec, "fields", ["spec", "fields"], start, end);
      const pathNode = sub(s, "path");
      const field = pathOf(cx, pathNode, []);
      const at = ["spec", "fields", field];
      cx.rec.statement(at, start, end);
      cx.rec.range(at, start, end, startOf(pathNode), endOf(pathNode));
      const block = sub(s, "block");
      let f: Obj;
      if (block !== undefined) f = blockOf(cx, block, at);
      else {
        f = {};
        setToken(cx, f, "systemOfRecord", nameOf(cx, names[0], [...at, "systemOfRecord"]), at, tok(s, "Owned"), names[0]);
        const lists = subs(s, "nameList");
        // `updated by` comes before `replicated to`; either may be left out.
        const clauses = [
          ["update", tok(s, "Updated")],
          ["replicas", tok(s, "Replicated")],
        ] as const;
        let next = 0;
        for (const [key, word] of clauses) {
          const list = word === undefined ? undefined : lists[next++];
          if (list === undefined || word === undefined) continue;
          cx.rec.range([...at, key], startOf(list), endOf(list), startOf(word), endOf(word));
          f[key] = listOf(cx, subs(list, "name"), [...at, key], (n, p) => nameOf(cx, n, p));
        }
      }
      put(cx, fields, field, f, at, startOf(pathNode), endOf(pathNode));
      break;
    }
    case "plainEntry":
      plainEntry(cx, s, spec, metadata);
      break;
  }
}
