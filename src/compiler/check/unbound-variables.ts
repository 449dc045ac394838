/**
 * The `$variables` a JSONata expression reads that nothing binds: neither the expression itself
 * (`$x := ...`, a lambda's parameters, `@$x` and `#$i` in paths) nor the names given to it. Function
 * names (`$string(...)`) are not variables here.
 */
import type { JsonataNode } from "./mapping-types/ast.ts";

/** A variable read that nothing binds, with where its token ends in the expression. */
export interface UnboundRead {
  name: string;
  /** The offset just past the variable's token, as JSONata reports positions. */
  position: number;
}

type Node = JsonataNode & Record<string, unknown>;

function children(node: Node): Node[] {
  const out: Node[] = [];
  for (const [key, value] of Object.entries(node)) {
    if (key === "procedure") continue;
    if (Array.isArray(value)) for (const item of value) if (item !== null && typeof item === "object") out.push(item as Node);
    if (value !== null && typeof value === "object" && !Array.isArray(value) && typeof (value as Node).type === "string") out.push(value as Node);
  }
  return out;
}

/** Every name the expression binds itself, anywhere in it. */
function boundInside(root: Node): Set<string> {
  const bound = new Set<string>();
  const stack = [root];
  while (stack.length > 0) {
    const node = stack.pop() as Node;
    if (node.type === "bind" && (node["lhs"] as Node | undefined)?.type === "variable") bound.add(String((node["lhs"] as Node).value));
    if (node.type === "lambda") for (const arg of (node["arguments"] ?? []) as Node[]) bound.add(String(arg.value));
    for (const key of ["focus", "index"]) if (typeof node[key] === "string") bound.add(node[key] as string);
    stack.push(...children(node));
  }
  return bound;
}

/** The variables `ast` reads that neither it nor `given` binds, in the order they appear. */
export function unboundVariables(ast: JsonataNode, given: ReadonlySet<string>): UnboundRead[] {
  const root = ast as Node;
  const bound = boundInside(root);
  const out: UnboundRead[] = [];
  const visit = (node: Node) => {
    if (node.type === "variable" && node.value !== "" && !given.has(String(node.value)) && !bound.has(String(node.value))) {
      out.push({ name: String(node.value), position: Number(node.position ?? 0) });
    }
    for (const child of children(node)) visit(child);
  };
  visit(root);
  return out.sort((a, b) => a.position - b.position);
}
