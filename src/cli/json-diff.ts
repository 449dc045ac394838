/**
 * Field-level differences between an expected and an actual JSON value, each at its JSON path
 * (`$.lines[0].amount`), and their rendering as Vitest renders a failed `toEqual`: the expected
 * value after `-`, the actual after `+`.
 */

/** One place where the actual value differs from the expected one. */
export interface Difference {
  /** JSONPath of the place, from `$` (the whole value). */
  path: string;
  /** `changed`: both have a value there; `missing`: only expected has one; `unexpected`: only actual has one. */
  kind: "changed" | "missing" | "unexpected";
  expected?: unknown;
  actual?: unknown;
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** The path of `key` under `path`: `.name` for an identifier, `["odd key"]` for anything else. */
function child(path: string, key: string | number): string {
  if (typeof key === "number") return `${path}[${key}]`;
  return IDENTIFIER.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Every difference between `expected` and `actual` (plain JSON values), in document order. */
export function diffJson(expected: unknown, actual: unknown, path = "$"): Difference[] {
  if (expected === undefined && actual === undefined) return [];
  if (actual === undefined) return [{ path, kind: "missing", expected }];
  if (expected === undefined) return [{ path, kind: "unexpected", actual }];
  if (Array.isArray(expected) && Array.isArray(actual)) {
    const out: Difference[] = [];
    for (let i = 0; i < Math.max(expected.length, actual.length); i++) out.push(...diffJson(expected[i], actual[i], child(path, i)));
    return out;
  }
  if (isRecord(expected) && isRecord(actual)) {
    const out: Difference[] = [];
    for (const key of Object.keys(expected)) out.push(...diffJson(expected[key], Object.hasOwn(actual, key) ? actual[key] : undefined, child(path, key)));
    for (const key of Object.keys(actual)) if (!Object.hasOwn(expected, key)) out.push({ path: child(path, key), kind: "unexpected", actual: actual[key] });
    return out;
  }
  return JSON.stringify(expected) === JSON.stringify(actual) ? [] : [{ path, kind: "changed", expected, actual }];
}

/** How a difference is painted: green for expected, red for actual, as Vitest does; identity without colour. */
export interface DiffPaint {
  expected(text: string): string;
  actual(text: string): string;
}

const plainPaint: DiffPaint = { expected: (t) => t, actual: (t) => t };

/** A value as one or more lines of JSON, each prefixed. */
function valueLines(prefix: string, value: unknown, indent: string): string[] {
  return JSON.stringify(value, null, 2)
    .split("\n")
    .map((line) => `${indent}${prefix} ${line}`);
}

/** The differences as text: a legend, then each path with its `-` expected and `+` actual lines. */
export function formatDifferences(differences: readonly Difference[], indent = "", paint: DiffPaint = plainPaint): string {
  const count = `${differences.length} difference${differences.length === 1 ? "" : "s"}`;
  const lines = [`${indent}${count} (${paint.expected("- expected")}, ${paint.actual("+ actual")}):`];
  for (const d of differences) {
    const note = d.kind === "missing" ? " (missing)" : d.kind === "unexpected" ? " (not expected)" : "";
    lines.push(`${indent}  ${d.path}${note}`);
    if (d.kind !== "unexpected") lines.push(...valueLines("-", d.expected, `${indent}    `).map(paint.expected));
    if (d.kind !== "missing") lines.push(...valueLines("+", d.actual, `${indent}    `).map(paint.actual));
  }
  return lines.join("\n");
}
