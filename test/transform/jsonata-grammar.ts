/**
 * A small grammar of JSONata expressions and of JSON inputs they can select from, for
 * property-based tests that compare the compiled form with the interpreter.
 */
import fc from "fast-check";

const fieldNames = ["a", "b", "price", "qty", "name", "items"];

/** JSON inputs using the grammar's field names. */
export const jsonInput: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.integer({ min: -5, max: 20 }),
    fc.double({ min: -100, max: 100, noNaN: true, noDefaultInfinity: true }),
    fc.constantFrom("x", "abc", "Zed", "", "10", "2.5", "true"),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie("value"), { maxLength: 4 }),
    fc.dictionary(fc.constantFrom(...fieldNames), tie("value"), { maxKeys: 4 }),
  ),
})).value;

const unaryFunctions = [
  "$sum", "$count", "$string", "$number", "$uppercase", "$lowercase", "$length", "$exists", "$boolean", "$not",
  "$keys", "$reverse", "$distinct", "$abs", "$floor", "$ceil", "$max", "$min", "$average", "$type", "$trim",
  "$round", "$sort", "$spread", "$merge",
];
const operators = ["+", "-", "*", "/", "%", "=", "!=", "<", "<=", ">", ">=", "&", "and", "or", "in", "??", "?:"];

/** Expressions: paths, operators, built-ins, predicates, constructors, lambdas, sorting, grouping, tuple bindings. */
export const expression: fc.Arbitrary<string> = fc.letrec<{ path: string; leaf: string; expr: string }>((tie) => ({
  path: fc
    .array(fc.constantFrom(...fieldNames, "*"), { minLength: 1, maxLength: 3 })
    .map((steps) => steps.join(".")),
  leaf: fc.oneof(
    fc.integer({ min: -3, max: 12 }).map(String),
    fc.constantFrom("1.5", "0.1", '"abc"', '"10"', '""', "true", "false", "null", "$", "$$"),
    tie("path"),
  ),
  expr: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    tie("leaf"),
    tie("leaf"),
    fc.tuple(tie("expr"), fc.constantFrom(...operators), tie("expr")).map(([l, op, r]) => `(${l} ${op} ${r})`),
    fc.tuple(fc.constantFrom(...unaryFunctions), tie("expr")).map(([f, x]) => `${f}(${x})`),
    fc.tuple(tie("expr"), fc.integer({ min: -1, max: 3 })).map(([x, n]) => `$round(${x}, ${n})`),
    fc.tuple(tie("expr"), tie("expr")).map(([x, y]) => `$join(${x}, ${y})`),
    fc.tuple(tie("expr"), tie("expr")).map(([x, y]) => `$append(${x}, ${y})`),
    fc.tuple(tie("expr"), fc.integer({ min: -3, max: 3 }), fc.integer({ min: -1, max: 4 })).map(
      ([s, a, b]) => `$substring(${s}, ${a}, ${b})`,
    ),
    fc.tuple(tie("path"), tie("expr")).map(([p, x]) => `${p}[${x}]`),
    fc.tuple(tie("path"), fc.integer({ min: -2, max: 2 })).map(([p, n]) => `${p}[${n}]`),
    fc.tuple(tie("expr"), tie("expr"), tie("expr")).map(([c, t, f]) => `(${c} ? ${t} : ${f})`),
    fc.tuple(tie("expr"), tie("expr")).map(([x, y]) => `{"k": ${x}, "m": ${y}}`),
    fc.tuple(tie("expr"), tie("expr")).map(([x, y]) => `[${x}, ${y}]`),
    fc.tuple(tie("expr"), tie("expr")).map(([x, y]) => `($v := ${x}; [$v, ${y}, $v])`),
    fc.tuple(tie("path"), tie("expr")).map(([p, x]) => `$map(${p}, function($v, $i) { [$v, $i, ${x}] })`),
    fc.tuple(tie("path"), tie("expr")).map(([p, x]) => `$filter(${p}, function($v) { $v = ${x} })`),
    fc.tuple(tie("path"), tie("path")).map(([p, q]) => `${p}^(${q})`),
    fc.tuple(tie("path"), tie("path"), tie("expr")).map(([p, k, v]) => `${p}{${k}: ${v}}`),
    fc.tuple(tie("path"), tie("expr")).map(([p, x]) => `${p}.(${x})`),
    tie("path").map((p) => `**.${p}`),
    tie("path").map((p) => `${p}[]`),
    fc.tuple(tie("path"), tie("path")).map(([p, q]) => `${p}@$o.${q}.{"o": $o, "v": $}`),
    fc.tuple(tie("path"), tie("path")).map(([p, q]) => `${p}#$n.${q}.{"n": $n}`),
    fc.tuple(tie("path"), tie("path")).map(([p, q]) => `${p}.${q}.%.{"up": %.${q}}`),
    fc.tuple(tie("expr"), fc.constantFrom("$string()", "$count()", "$sum()", "$boolean()")).map(([x, f]) => `${x} ~> ${f}`),
    fc.tuple(tie("path"), tie("expr")).map(([p, x]) => `$ ~> |${p}|{"t": ${x}}, ["a"]|`),
    tie("expr").map((x) => `$each(${x}, function($v, $k) { $k & ":" & $string($v) })`),
    tie("expr").map((x) => `$sift(${x}, function($v) { $v })`),
    fc.tuple(tie("expr"), fc.constantFrom("/a+/", "/[0-9]+/", "/b|c/i")).map(([x, re]) => `$replace($string(${x}), ${re}, "<$0>")`),
    fc.tuple(tie("expr"), fc.constantFrom("/a/", "/[0-9]/")).map(([x, re]) => `$match($string(${x}), ${re}).index`),
    fc.tuple(tie("expr"), tie("expr")).map(([x, y]) => `$split($string(${x}), $string(${y}))`),
    tie("expr").map((x) => `$string(${x}, true)`),
    fc.tuple(tie("path"), tie("expr")).map(([p, x]) => `$reduce(${p}, function($acc, $v) { $acc & $string($v) & $string(${x}) }, "")`),
    fc.tuple(tie("expr"), tie("expr")).map(([x, y]) => `( $f := function($a, $b) { $b ? $a : $f(${y}, false) }; $f(${x}, true) )`),
  ),
})).expr;
