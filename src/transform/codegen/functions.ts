/**
 * Code generation for functions: calls, `~>` application, partial application, lambdas (with
 * tail calls turned into thunks for the trampoline) and transform expressions.
 */
import { builtins } from "../runtime/builtins.ts";
import type { NativeFunction } from "../runtime/functions.ts";
import type { Node } from "./ast.ts";
import { literal } from "./emitter.ts";
import type { Generator } from "./generate.ts";

function procedureName(procedure: Node): string {
  return String(procedure.type === "path" ? procedure.steps?.[0]?.value : procedure.value);
}

function pathName(procedure: Node): string {
  return procedure.type === "path" ? `, ${literal(String(procedure.steps?.[0]?.value))}` : "";
}

function callCode(gen: Generator, node: Node, first: string | undefined): string {
  const procedure = node.procedure!;
  const args = (node.arguments ?? []).map((arg) => gen.expr(arg));
  const position = node.position ?? 0;
  const tail = `i, e, ${position}, ${literal(procedureName(procedure))}${pathName(procedure)}`;
  if (first !== undefined) return `${gen.rt("callWith")}(${first}, ${gen.expr(procedure)}, [${args.join(", ")}], ${tail})`;
  const name = String(procedure.value);
  if (procedure.type !== "variable" || gen.isBound(name) || (builtins[name] as NativeFunction | undefined)?.fast === undefined) {
    return `${gen.rt("call")}(${gen.expr(procedure)}, [${args.join(", ")}], ${tail})`;
  }
  const builtin = gen.out.constant(`${gen.rt("builtins")}[${literal(name)}]`);
  return `${gen.rt("callBuiltin")}(${builtin}, [${args.join(", ")}], i, e, ${position}, ${literal(name)})`;
}

/** `f(a, b)` */
export function functionCall(gen: Generator, node: Node): string {
  return callCode(gen, node, undefined);
}

/** `lhs ~> rhs`: a call with lhs as first argument, or application of a function value. */
export function functionApply(gen: Generator, node: Node): string {
  const lhs = gen.expr(node.lhs as Node);
  const rhs = node.rhs!;
  if (rhs.type === "function") return callCode(gen, rhs, lhs);
  return `${gen.rt("applyTo")}(${lhs}, ${gen.expr(rhs)}, i, e, ${node.position ?? 0})`;
}

/** `f(a, ?)` */
export function partialApplication(gen: Generator, node: Node): string {
  const procedure = node.procedure!;
  const args = (node.arguments ?? []).map((arg) =>
    arg.type === "operator" && arg.value === "?" ? gen.rt("placeholder") : gen.expr(arg),
  );
  const position = node.position ?? 0;
  return `${gen.rt("partial")}([${args.join(", ")}], ${gen.expr(procedure)}, e, ${position}, ${literal(procedureName(procedure))}${pathName(procedure)})`;
}

/**
 * `function($x) { body }`, or a tail call deferred as a thunk. A tail call to a function the
 * expression never binds (a built-in or a binding) cannot recurse into the expression's own
 * lambdas, so it is made directly.
 */
export function lambdaValue(gen: Generator, node: Node): string {
  const body = node.body!;
  const callee = body.procedure;
  const direct = callee?.type === "variable" && !gen.isBound(String(callee.value));
  if (node.thunk === true && body.type === "function" && direct) return gen.expr(body);
  if (node.thunk === true && body.type === "function" && callee !== undefined) {
    const procedure = gen.out.fn(gen.expr(callee));
    const args = (body.arguments ?? []).map((arg) => gen.out.fn(gen.expr(arg)));
    const token = callee.type === "variable" ? `, ${literal(String(callee.value))}` : "";
    return `${gen.rt("thunk")}(i, e, ${procedure}, [${args.join(", ")}], ${callee.position ?? 0}${token})`;
  }
  const params = gen.out.constant(literal((node.arguments ?? []).map((param) => ({ value: param.value }))));
  // A signature the parser copied through JSON (the left side of `??`) has lost its validator;
  // the interpreter then fails calling it, and so do we.
  const validates = typeof (node.signature as { validate?: unknown } | undefined)?.validate === "function";
  const signature =
    node.signature === undefined
      ? "undefined"
      : validates
        ? gen.out.constant(`${gen.rt("signature")}(${literal(node.signature.definition)})`)
        : gen.out.constant(`{ definition: ${literal(node.signature.definition)} }`);
  return `${gen.rt("lambda")}(i, e, ${params}, ${signature}, ${gen.out.fn(gen.expr(body))})`;
}

/** `| pattern | update, delete |` */
export function transformValue(gen: Generator, node: Node): string {
  const fields = [
    `pattern: ${gen.out.fn(gen.expr(node.pattern!))}`,
    `update: ${gen.out.fn(gen.expr(node.update!))}`,
    `position: ${node.position ?? 0}`,
    `updatePosition: ${node.update?.position ?? 0}`,
    `removePosition: ${node.delete?.position ?? 0}`,
    `signature: ${gen.rt("signature")}("<(oa):o>")`,
  ];
  if (node.delete !== undefined) fields.push(`remove: ${gen.out.fn(gen.expr(node.delete))}`);
  const plan = gen.out.constant(`{ ${fields.join(", ")} }`);
  return `${gen.rt("transform")}(${plan}, e)`;
}
