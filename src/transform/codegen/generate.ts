/**
 * The code generator: one JavaScript expression of `(i, e)` (context item, variable frame) per
 * AST node, with the evaluator's per-node rules applied around it (predicates, grouping, and
 * the collapse of empty and singleton sequences). Node kinds with more to say live beside this
 * file: paths.ts (paths and steps) and functions.ts (calls, lambdas, transforms).
 */
import { builtins } from "../runtime/builtins.ts";
import { boundNames, type Node } from "./ast.ts";
import { createEmitter, type Emitter, literal } from "./emitter.ts";
import { functionCall, functionApply, lambdaValue, partialApplication, transformValue } from "./functions.ts";
import { fieldRead, filterPlan, groupPlan, objectValue, pathValue } from "./paths.ts";

/** What the node emitters share while generating one expression. */
export interface Generator {
  readonly out: Emitter;
  /** The runtime helpers the generated code uses. */
  readonly helpers: Set<string>;
  /** The code of a node, with the evaluator's per-node rules. */
  expr(node: Node): string;
  /** A runtime helper's name, recorded as used. */
  rt(name: string): string;
  /** Reads variable `name` in the current frame. */
  variable(name: string): string;
  /** True when the expression binds `name` somewhere (so a reference must search the frames). */
  isBound(name: string): boolean;
}

/** The result of generating code for one expression. */
export interface Generated {
  /** Declarations followed by `return <main function>;`, for a function taking the runtime `R`. */
  readonly body: string;
}

/** Generates the body of a factory `(R) => main` for the expression `root`. */
export function generate(root: Node): Generated {
  const bound = boundNames(root);
  const helpers = new Set<string>();
  const out = createEmitter();
  const gen: Generator = {
    out,
    helpers,
    expr: (node) => nodeCode(gen, node),
    rt: (name) => {
      helpers.add(name);
      return name;
    },
    isBound: (name) => bound.has(name),
    variable: (name) => (bound.has(name) ? `${gen.rt("lookup")}(e, ${literal(name)})` : globalRead(gen, name)),
  };
  const main = out.fn(gen.expr(root));
  const prelude = helpers.size > 0 ? `const { ${[...helpers].sort().join(", ")} } = R;\n` : "";
  return { body: `${prelude}${out.declarations()}\nreturn ${main};` };
}

const identifier = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/**
 * A variable the expression never binds: a built-in function, unless a binding shadows it in
 * this evaluation (then read by name), or else a binding, read with a per-site property access.
 */
function globalRead(gen: Generator, name: string): string {
  if (name in builtins) {
    const builtin = gen.out.constant(`${gen.rt("builtins")}[${literal(name)}]`);
    return `(${gen.rt("state")}.ctx.shadows ? ${gen.rt("global")}(${literal(name)}) : ${builtin})`;
  }
  const read = identifier.test(name) ? `.${name}` : `[${literal(name)}]`;
  return `${gen.rt("state")}.ctx.globals${read}`;
}

const plainResults = new Set(["string", "number", "value", "lambda", "regex"]);
const primitiveOperators = new Set(["+", "-", "*", "/", "%", "=", "!=", "<", "<=", ">", ">=", "&", "and", "or", "in"]);

function nodeCode(gen: Generator, node: Node): string {
  let code = coreCode(gen, node);
  if (node.predicate !== undefined) {
    for (const predicate of node.predicate) code = `${gen.rt("filter")}(${filterPlan(gen, predicate.expr!)}, ${code}, e)`;
  }
  if (node.type !== "path" && node.group !== undefined) {
    code = `${gen.rt("group")}(${groupPlan(gen, node.group)}, ${code}, e)`;
  }
  if (node.keepArray) return `${gen.rt("normKeep")}(${code})`;
  const plain =
    plainResults.has(node.type) ||
    (node.type === "binary" && primitiveOperators.has(String(node.value))) ||
    (node.type === "unary" && node.value !== "[");
  return plain && node.predicate === undefined ? code : `${gen.rt("norm")}(${code})`;
}

function coreCode(gen: Generator, node: Node): string {
  const position = node.position ?? 0;
  switch (node.type) {
    case "string":
    case "number":
    case "value":
      return literal(node.value);
    case "regex": {
      // The parser copies some subtrees (the left side of `??`) through JSON, leaving a regex as
      // `{}`; the interpreter then builds `new RegExp({})`, i.e. /[object Object]/, and so do we.
      const re = node.value;
      const pattern =
        re instanceof RegExp
          ? gen.out.constant(`new RegExp(${literal(re.source)}, ${literal(re.flags)})`)
          : gen.out.constant(`new RegExp(${literal(String(re))})`);
      return `${gen.rt("regex")}(${pattern}, ${position})`;
    }
    case "name":
      return fieldRead(gen, String(node.value));
    case "wildcard":
      return `${gen.rt("wildcard")}(i)`;
    case "descendant":
      return `${gen.rt("descendants")}(i)`;
    case "parent":
      return `${gen.rt("lookup")}(e, ${literal(node.slot!.label)})`;
    case "variable":
      if (node.value === "") return `${gen.rt("context")}(i)`;
      return gen.variable(String(node.value));
    case "path":
      return pathValue(gen, node);
    case "binary":
      return binaryCode(gen, node, position);
    case "unary":
      return unaryCode(gen, node, position);
    case "condition": {
      const otherwise = node.else !== undefined ? gen.expr(node.else) : "undefined";
      return `(${gen.rt("toBoolean")}(${gen.expr(node.condition!)}) ? ${gen.expr(node.then!)} : ${otherwise})`;
    }
    case "block": {
      const statements = node.expressions ?? [];
      if (statements.length === 0) return "undefined";
      const code = statements.map((s) => gen.expr(s)).join(", ");
      // A block that binds nothing itself needs no frame of its own.
      return bindsDirectly(node) ? `((e) => (${code}))(${gen.rt("frame")}(e))` : `(${code})`;
    }
    case "bind":
      return `${gen.rt("bind")}(e, ${literal((node.lhs as Node).value)}, ${gen.expr(node.rhs!)})`;
    case "function":
      return functionCall(gen, node);
    case "partial":
      return partialApplication(gen, node);
    case "apply":
      return functionApply(gen, node);
    case "lambda":
      return lambdaValue(gen, node);
    case "transform":
      return transformValue(gen, node);
    default:
      return `${gen.rt("unsupported")}(${literal(node.type)}, ${position})`;
  }
}

/** True when a `:=` in the block binds into the block's own frame (not a nested block's or lambda's). */
function bindsDirectly(block: Node): boolean {
  let found = false;
  const visit = (node: unknown): void => {
    if (found || node === null || typeof node !== "object") return;
    if (Array.isArray(node)) {
      for (const child of node) visit(child);
      return;
    }
    const n = node as Node & Record<string, unknown>;
    if (n.type === "bind") found = true;
    if (n.type === "block" || n.type === "lambda") return;
    for (const key of Object.keys(n)) if (key !== "signature") visit(n[key]);
  };
  for (const statement of block.expressions ?? []) visit(statement);
  return found;
}

const arithmetic: Record<string, string> = { "+": "add", "-": "subtract", "*": "multiply", "/": "divide", "%": "modulo" };

function binaryCode(gen: Generator, node: Node, position: number): string {
  const op = String(node.value);
  const lhs = gen.expr(node.lhs as Node);
  const rhs = gen.expr(node.rhs!);
  const helper = arithmetic[op];
  if (helper !== undefined) return `${gen.rt(helper)}(${lhs}, ${rhs}, ${position})`;
  switch (op) {
    case "=":
      return `${gen.rt("equal")}(${lhs}, ${rhs})`;
    case "!=":
      return `${gen.rt("notEqual")}(${lhs}, ${rhs})`;
    case "<":
    case "<=":
    case ">":
    case ">=":
      return `${gen.rt("compare")}(${lhs}, ${rhs}, ${literal(op)}, ${position})`;
    case "&":
      return `${gen.rt("concat")}(${lhs}, ${rhs}, ${position})`;
    case "..":
      return `${gen.rt("range")}(${lhs}, ${rhs}, ${position})`;
    case "in":
      return `${gen.rt("includes")}(${lhs}, ${rhs})`;
    case "and":
    case "or":
      return `${gen.rt(op)}(${lhs}, ${gen.out.fn(rhs)}, i, e, ${position})`;
    default:
      return `${gen.rt("unsupported")}(${literal(op)}, ${position})`;
  }
}

function unaryCode(gen: Generator, node: Node, position: number): string {
  switch (node.value) {
    case "-":
      return `${gen.rt("negate")}(${gen.expr(node.expression!)}, ${position})`;
    case "[": {
      const items = node.expressions ?? [];
      const nested = gen.out.constant(literal(items.map((item) => item.value === "[")));
      const values = items.map((item) => gen.expr(item)).join(", ");
      return `${gen.rt("array")}([${values}], ${nested}, ${node.consarray === true})`;
    }
    case "{":
      return objectValue(gen, node.lhs as readonly (readonly [Node, Node])[], position);
    default:
      return `${gen.rt("unsupported")}(${literal(node.value)}, ${position})`;
  }
}
