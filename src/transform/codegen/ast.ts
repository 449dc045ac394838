/**
 * The shape of the AST the `jsonata` package's parser produces, as far as the code generator
 * reads it, and the parse entry point.
 */
import jsonata from "jsonata";

/** A node of the parsed expression. */
export interface Node {
  readonly type: string;
  readonly value?: unknown;
  readonly position?: number;
  readonly steps?: readonly Node[];
  readonly stages?: readonly Node[];
  readonly predicate?: readonly Node[];
  readonly expr?: Node;
  readonly group?: { readonly lhs: readonly (readonly [Node, Node])[]; readonly position: number };
  readonly lhs?: Node | readonly (readonly [Node, Node])[];
  readonly rhs?: Node;
  readonly expression?: Node;
  readonly expressions?: readonly Node[];
  readonly condition?: Node;
  readonly then?: Node;
  readonly else?: Node;
  readonly procedure?: Node;
  readonly arguments?: readonly Node[];
  readonly body?: Node;
  readonly signature?: { readonly definition: string };
  readonly thunk?: boolean;
  readonly terms?: readonly { readonly descending?: boolean; readonly expression: Node }[];
  readonly pattern?: Node;
  readonly update?: Node;
  readonly delete?: Node;
  readonly slot?: { readonly label: string };
  readonly focus?: string;
  readonly index?: string;
  readonly ancestor?: { readonly label: string };
  readonly tuple?: boolean;
  readonly consarray?: boolean;
  readonly keepArray?: boolean;
  readonly keepSingletonArray?: boolean;
}

/** Parses an expression with the reference parser; syntax errors throw with their S0xxx code. */
export function parse(source: string): Node {
  return jsonata(source).ast() as unknown as Node;
}

/** Calls `visit` on every node of the tree, parents first. */
export function walk(node: unknown, visit: (node: Node) => void): void {
  if (Array.isArray(node)) {
    for (const child of node) walk(child, visit);
    return;
  }
  if (node === null || typeof node !== "object" || node instanceof RegExp) return;
  const n = node as Node & Record<string, unknown>;
  if (typeof n.type === "string") visit(n);
  for (const key of Object.keys(n)) {
    if (key === "signature" || key === "slot" || key === "ancestor") continue;
    const child = n[key];
    if (child !== null && typeof child === "object") walk(child, visit);
  }
}

/** True when the expression calls or mentions `$eval`, which needs the interpreter. */
export function mentionsEval(root: Node): boolean {
  let found = false;
  walk(root, (node) => {
    if (node.type === "variable" && node.value === "eval") found = true;
  });
  return found;
}

/**
 * The variable names the expression binds anywhere (`:=`, lambda parameters, `@$x`, `#$i`, `%`
 * slots). A reference to any other name reads the globals directly.
 */
export function boundNames(root: Node): Set<string> {
  const names = new Set<string>();
  walk(root, (node) => {
    if (node.type === "bind" && node.lhs && !Array.isArray(node.lhs)) names.add(String((node.lhs as Node).value));
    if (node.type === "lambda") for (const param of node.arguments ?? []) names.add(String(param.value));
    if (node.focus !== undefined) names.add(node.focus);
    if (node.index !== undefined) names.add(node.index);
    if (node.ancestor !== undefined) names.add(node.ancestor.label);
    if (node.type === "index" && typeof node.value === "string") names.add(node.value);
  });
  return names;
}
