/**
 * Reads the official JSONata test cases from ../shared/conformance/jsonata (see TESTSUITE.md
 * there) and runs one through `compileExpression`, reporting whether it passed and why not.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { sharedPath } from "../../src/testing/environment.ts";
import { compileExpression, TransformError } from "../../src/transform/index.ts";

/** One case as the suite writes it. */
export interface ConformanceCase {
  readonly id: string;
  readonly expr: string;
  readonly data?: unknown;
  readonly dataset?: string | null;
  readonly bindings?: Record<string, unknown>;
  readonly timelimit?: number;
  readonly depth?: number;
  readonly result?: unknown;
  readonly undefinedResult?: boolean;
  readonly code?: string;
  readonly token?: string;
  readonly error?: { readonly code: string; readonly token?: string; readonly message?: string };
}

/** What running a case gave. */
export interface Outcome {
  readonly passed: boolean;
  readonly mode: string;
  readonly detail: string;
}

/** Every case, with an id `group/file` (or `group/file#n` for files holding a list). */
export function loadCases(): ConformanceCase[] {
  const root = sharedPath("conformance", "jsonata", "groups");
  const cases: ConformanceCase[] = [];
  for (const group of readdirSync(root).sort()) {
    for (const file of readdirSync(join(root, group)).sort()) {
      if (!file.endsWith(".json")) continue;
      const parsed: unknown = JSON.parse(readFileSync(join(root, group, file), "utf8"));
      const id = `${group}/${file.slice(0, -".json".length)}`;
      const withExpr = (item: Record<string, unknown>): Record<string, unknown> => {
        const exprFile = item["expr-file"];
        if (typeof exprFile !== "string") return item;
        return { ...item, expr: readFileSync(join(root, group, exprFile), "utf8") };
      };
      if (Array.isArray(parsed)) {
        for (const [n, item] of parsed.entries()) {
          cases.push({ ...withExpr(item), id: `${id}#${n}` } as unknown as ConformanceCase);
        }
      } else {
        cases.push({ ...withExpr(parsed as Record<string, unknown>), id } as unknown as ConformanceCase);
      }
    }
  }
  return cases;
}

const datasets = new Map<string, unknown>();

function inputOf(testCase: ConformanceCase): unknown {
  if ("data" in testCase) return testCase.data;
  if (testCase.dataset === null || testCase.dataset === undefined) return undefined;
  let data = datasets.get(testCase.dataset);
  if (data === undefined) {
    data = JSON.parse(readFileSync(sharedPath("conformance", "jsonata", "datasets", `${testCase.dataset}.json`), "utf8"));
    datasets.set(testCase.dataset, data);
  }
  return data;
}

/** A plain JSON-like copy of a result, without the evaluator's array flags. */
export function plain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(plain);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) out[key] = plain((value as Record<string, unknown>)[key]);
    return out;
  }
  return value;
}

function deepEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}

/**
 * The suite's U1001 is its own runner's code for exceeding the `depth` or `timelimit` it
 * imposes; the library itself reports those limits as D1011 (stack) and D1012 (time).
 */
function codeMatches(expected: string, actual: string): boolean {
  return expected === actual || (expected === "U1001" && (actual === "D1011" || actual === "D1012"));
}

/** Runs one case; never throws. */
export async function runCase(testCase: ConformanceCase): Promise<Outcome> {
  let mode = "none";
  let result: unknown;
  const expectedCode = testCase.code ?? testCase.error?.code;
  try {
    const options: { timeout?: number; stack?: number } = {};
    if (testCase.timelimit !== undefined) options.timeout = testCase.timelimit;
    if (testCase.depth !== undefined) options.stack = testCase.depth;
    const compiled = compileExpression(testCase.expr, options);
    mode = compiled.mode;
    result = await compiled.evaluate(inputOf(testCase), testCase.bindings ?? {});
  } catch (err) {
    const code = err instanceof TransformError ? err.code : String((err as { code?: unknown })?.code ?? err);
    const thrown = `threw ${code} (token ${JSON.stringify((err as TransformError).token)}): ${(err as Error)?.message}`;
    if (expectedCode === undefined) return { passed: false, mode, detail: thrown };
    const token = testCase.token ?? testCase.error?.token;
    const message = testCase.error?.message;
    const passed =
      codeMatches(expectedCode, code) &&
      (token === undefined || (err as TransformError).token === token) &&
      (message === undefined || (err as Error).message === message);
    return { passed, mode, detail: `expected ${expectedCode} ${token ?? ""} ${message ?? ""}, ${thrown}` };
  }
  if (expectedCode !== undefined) {
    return { passed: false, mode, detail: `expected ${expectedCode}, got ${JSON.stringify(plain(result))}` };
  }
  if (testCase.undefinedResult) {
    return { passed: result === undefined, mode, detail: `expected undefined, got ${JSON.stringify(plain(result))}` };
  }
  const passed = result !== undefined && deepEqual(plain(result), testCase.result);
  return {
    passed,
    mode,
    detail: `expected ${JSON.stringify(testCase.result)}, got ${JSON.stringify(plain(result))}`,
  };
}
