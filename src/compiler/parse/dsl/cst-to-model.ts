/**
 * Lowering: the CST of one document to the plain model value the YAML front end gives, with the
 * range of every part recorded (for `locate`), the file offsets of every string written as a
 * block (for JSONata errors) and the span of every statement (so `spec fmt` can put comments back).
 * The statements of each kind are lowered in lower-route.ts, lower-mapping.ts and lower-ownership.ts.
 */
import type { IToken } from "chevrotain";
import { API_VERSION } from "../../../model/constants.ts";
import type { DocumentCstNode } from "./cst-types.ts";
import { mappingStatement } from "./lower-mapping.ts";
import { ownershipStatement } from "./lower-ownership.ts";
import { routeStatement } from "./lower-route.ts";
import { blockOf, endOf, isToken, KIND_OF_RULE, type Lowering, METADATA_ENTRIES, nameOf, type Obj, only, type Recorder, setToken, startOf, stringOf, sub, subs, tok } from "./lowering.ts";

export type { Recorder } from "./lowering.ts";

/** Lowers one `document` node to a spec document value. */
export function lowerDocument(document: DocumentCstNode, rec: Recorder): Obj {
  const cx: Lowering = { rec };
  const choice = only(document);
  const node = choice !== undefined && !isToken(choice[1]) ? choice[1] : document;
  const ruleName = choice?.[0] ?? "";
  const kindToken = ruleName === "genericDocument" ? (only(node)?.[1] as IToken | undefined) : (only(node)?.[1] as IToken | undefined);
  const kind =
    KIND_OF_RULE[ruleName] ??
    (kindToken !== undefined && isToken(kindToken) ? kindToken.image.charAt(0).toUpperCase() + kindToken.image.slice(1) : "");
  rec.range([], startOf(node), endOf(node));
  rec.range(["kind"], startOf(kindToken), endOf(kindToken));
  rec.range(["apiVersion"], startOf(kindToken), endOf(kindToken));
  rec.statement([], startOf(node), endOf(node));

  const header = sub(node, "header");
  const metadata: Obj = {};
  const headerNames = subs(header, "name");
  rec.range(["metadata"], startOf(header), endOf(header));
  setToken(cx, metadata, "name", nameOf(cx, headerNames[0], ["metadata", "name"]), ["metadata"], undefined, headerNames[0]);
  const version = tok(header, "NumberLike") ?? tok(header, "StringLiteral");
  if (version !== undefined) {
    const text = version.tokenType.name === "NumberLike" ? version.image : stringOf(cx, version, ["metadata", "version"]);
    setToken(cx, metadata, "version", text, ["metadata"], tok(header, "Version"), version);
  }
  if (headerNames[1] !== undefined) setToken(cx, metadata, "team", nameOf(cx, headerNames[1], ["metadata", "team"]), ["metadata"], tok(header, "Team"), headerNames[1]);

  const spec: Obj = {};
  rec.range(["spec"], startOf(node), endOf(node));
  if (ruleName === "genericDocument") {
    const block = sub(node, "block");
    if (block !== undefined) {
      blockOf(cx, block, ["spec"], spec, (key) => (METADATA_ENTRIES.has(key) ? metadata : undefined));
      rec.blockEnd([], tok(block, "RCurly")?.startOffset ?? endOf(node));
    }
  } else {
    const statement = ruleName === "routeDocument" ? routeStatement : ruleName === "mappingDocument" ? mappingStatement : ownershipStatement;
    const statementRule = ruleName.replace("Document", "Statement");
    for (const s of subs(node, statementRule)) statement(cx, s, spec, metadata);
    rec.blockEnd([], tok(node, "RCurly")?.startOffset ?? endOf(node));
  }
  return { apiVersion: API_VERSION, kind, metadata, spec };
}
