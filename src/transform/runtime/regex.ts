/**
 * Regular expressions that cannot hang the process.
 *
 * Two mechanisms, chosen per pattern:
 * - Patterns V8's linear-time engine accepts (no backreferences, no lookaround, no `i` flag) run
 *   natively; this module turns on V8's fallback to that engine after excessive backtracking
 *   (`--enable-experimental-regexp-engine-on-excessive-backtracks`), so a catastrophically
 *   backtracking pattern finishes in time linear in the input instead of exponential.
 * - Other patterns that could backtrack catastrophically (a quantified group holding a
 *   quantifier or an alternation) run inside a `node:vm` script with a time bound
 *   (`regexTimeLimit`, 1 s by default); exceeding it fails with D1012.
 * Everything else runs natively.
 */
import v8 from "node:v8";
import vm from "node:vm";
import { fail } from "./errors.ts";

v8.setFlagsFromString("--enable-experimental-regexp-engine-on-excessive-backtracks");

/** Milliseconds a regular expression that cannot run in linear time may run for one match. */
export const regexLimits = { timeLimit: 1000 };

/** One match, in the shape JSONata's matcher functions return. */
export interface RegexMatch {
  match: string;
  start: number;
  end: number;
  groups: string[];
  next: () => RegexMatch | undefined;
}

const needsBacktracking = /\\[1-9]|\\k<|\(\?<?[=!]/;
const nestedQuantifier = /\((?:[^()\\]|\\.)*(?:[*+|]|\{\d)(?:[^()\\]|\\.)*\)[*+?{]/;

/** True when a pattern might backtrack catastrophically and V8 cannot run it in linear time. */
export function requiresTimeBound(pattern: RegExp): boolean {
  const linearCapable = !pattern.flags.includes("i") && !needsBacktracking.test(pattern.source);
  return !linearCapable && (nestedQuantifier.test(pattern.source) || needsBacktracking.test(pattern.source));
}

const sandbox = vm.createContext({ re: null as RegExp | null, str: "" });
const guardedExec = new vm.Script("re.exec(str)");

function exec(re: RegExp, str: string, bounded: boolean): RegExpExecArray | null {
  if (!bounded) return re.exec(str);
  sandbox["re"] = re;
  sandbox["str"] = str;
  try {
    return guardedExec.runInContext(sandbox, { timeout: regexLimits.timeLimit }) as RegExpExecArray | null;
  } catch (err) {
    if ((err as { code?: unknown }).code === "ERR_SCRIPT_EXECUTION_TIMEOUT") {
      fail("D1012", { value: regexLimits.timeLimit, token: re.source });
    }
    throw err;
  }
}

/** The matcher function a regex literal evaluates to. */
export function regex(pattern: RegExp, position: number): (str: string, fromIndex?: number) => RegexMatch | undefined {
  const re = new RegExp(pattern);
  const bounded = requiresTimeBound(pattern);
  const closure = (str: string, fromIndex?: number): RegexMatch | undefined => {
    re.lastIndex = fromIndex || 0;
    const match = exec(re, str, bounded);
    if (match === null) return undefined;
    const result: RegexMatch = {
      match: match[0],
      start: match.index,
      end: match.index + match[0].length,
      groups: match.slice(1) as string[],
      next: () => {
        // A pattern without the global flag (only from a copied subtree, see the code generator)
        // never advances: the interpreter loops forever on it; here the matches end.
        if (!re.global) return undefined;
        if (re.lastIndex >= str.length) return undefined;
        const next = closure(str, re.lastIndex);
        if (next && next.match === "") fail("D1004", { position, value: pattern.source });
        return next;
      },
    };
    return result;
  };
  return closure;
}
