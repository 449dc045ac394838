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

/**
 * The top-level fields an expression reads from its input: the first name of each path and each
 * bare name, wherever they stand (names inside filters are counted too: more, never fewer).
 */
export function topLevelReads(node: unknown, out: Set<string> = new Set()): Set<string> {
  if (node === null || typeof node !== "object") return out;
  if (Array.isArray(node)) {
    for (const item of node) topLevelReads(item, out);
    return out;
  }
  const n = node as JsonataNode;
  if (n.type === "name") out.add(String(n.value));
  if (n.type === "path" && n.steps !== undefined) {
    const [first, ...rest] = n.steps;
    if (first !== undefined) topLevelReads(first, out);
    // Later steps read relative to the first; only what they compute or filter is looked into.
    for (const step of rest) if (step.type !== "name") topLevelReads(step, out);
    for (const step of rest) topLevelReads([step.stages, step.predicate], out);
    return out;
  }
  for (const [key, value] of Object.entries(n)) if (key !== "value" && key !== "type" && key !== "position") topLevelReads(value, out);
  return out;
}
