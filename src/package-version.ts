/**
 * The version of the package this file ships in, read from its package.json: the checkout's at
 * the top of the repository, and the installed package's once built (the file keeps the same
 * depth under `lib/`). Compiler and runtime both read it: the compiler writes it into generated
 * code, and the runtime refuses code from a newer compiler than itself.
 */
import { readFileSync } from "node:fs";

/** `0.1.0`: this package's version. */
export const PACKAGE_VERSION: string = (JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string }).version;

/**
 * Compares two `major.minor.patch` versions (a pre-release tail sorts before its release):
 * negative when `a` is older than `b`, 0 when equal, positive when newer.
 */
export function compareVersions(a: string, b: string): number {
  const parse = (v: string) => {
    const [core = "", pre] = v.split("-", 2);
    return { parts: core.split(".").map((n) => Number.parseInt(n, 10) || 0), pre };
  };
  const x = parse(a);
  const y = parse(b);
  for (let i = 0; i < 3; i++) {
    const d = (x.parts[i] ?? 0) - (y.parts[i] ?? 0);
    if (d !== 0) return d;
  }
  if (x.pre === y.pre) return 0;
  if (x.pre === undefined) return 1;
  if (y.pre === undefined) return -1;
  return x.pre < y.pre ? -1 : 1;
}
