/**
 * The part of jsonata's AST the type checker reads. jsonata records on each token the offset
 * just after it; `startOf` recovers where a name token begins.
 */

/** A node of jsonata's parse tree, as `jsonata(text).ast()` returns it. */
export interface JsonataNode {
  type: string;
  value?: unknown;
  position?: number;
  steps?: JsonataNode[];
  stages?: JsonataNode[];
  predicate?: JsonataNode[];
  expr?: JsonataNode;
  lhs?: JsonataNode | JsonataNode[] | [JsonataNode, JsonataNode][];
  rhs?: JsonataNode;
  condition?: JsonataNode;
  then?: JsonataNode;
  else?: JsonataNode;
  arguments?: JsonataNode[];
  procedure?: JsonataNode;
  expressions?: JsonataNode[];
  body?: JsonataNode;
  group?: { lhs: [JsonataNode, JsonataNode][] };
  keepArray?: boolean;
}

/** Where a token of `length` characters ending at `end` begins, allowing for backtick quoting. */
export function startOf(text: string, end: number, token: string): number {
  if (text.slice(end - token.length, end) === token) return end - token.length;
  if (text[end - 1] === "`") return Math.max(0, end - token.length - 1);
  return Math.max(0, end - token.length);
}

/** The object constructor's key/value pairs, when `node` is one (`{ "k": v, ... }`). */
export function objectPairs(node: JsonataNode): [JsonataNode, JsonataNode][] | undefined {
  if (node.type !== "unary" || node.value !== "{" || !Array.isArray(node.lhs)) return undefined;
  return node.lhs as [JsonataNode, JsonataNode][];
}

/** The expression a block ends with, following nested blocks; other nodes are returned as they are. */
export function resultNode(node: JsonataNode): JsonataNode {
  let current = node;
  while (current.type === "block" && current.expressions !== undefined && current.expressions.length > 0) {
    current = current.expressions[current.expressions.length - 1] as JsonataNode;
  }
  return current;
}
