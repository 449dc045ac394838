/**
 * The output side of code generation: a pool of hoisted constants (compiled functions, plans,
 * regular expressions) and JavaScript literal writing. Every string from the expression enters
 * the output through `literal`, JSON-escaped with U+2028 and U+2029 escaped too.
 */

/** Collects the declarations of the generated module body, in dependency order. */
export interface Emitter {
  /** Declares a constant initialised by `code` and returns its name. */
  constant(code: string): string;
  /** Declares a compiled function of (input, frame) whose value is `body`; returns its name. */
  fn(body: string): string;
  /** Declares a compiled function of (input, frame) with a statement body; returns its name. */
  block(statements: readonly string[]): string;
  /** The declarations so far, one per line. */
  declarations(): string;
}

/** A fresh emitter. */
export function createEmitter(): Emitter {
  const lines: string[] = [];
  const constant = (code: string): string => {
    const name = `k${lines.length}`;
    lines.push(`const ${name} = ${code};`);
    return name;
  };
  return {
    constant,
    fn: (body) => constant(`(i, e) => ${body.startsWith("{") ? `(${body})` : body}`),
    block: (statements) => constant(`(i, e) => {\n  ${statements.join("\n  ")}\n}`),
    declarations: () => lines.join("\n"),
  };
}

/** A JavaScript literal for a JSON-compatible value (strings, numbers, booleans, null, arrays, objects). */
export function literal(value: unknown): string {
  if (value === undefined) return "undefined";
  if (typeof value === "number") {
    if (Number.isNaN(value)) return "NaN";
    if (!Number.isFinite(value)) return value > 0 ? "Infinity" : "-Infinity";
    if (Object.is(value, -0)) return "-0";
    return String(value);
  }
  return JSON.stringify(value).replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}
