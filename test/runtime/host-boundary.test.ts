import { describe, expect, it } from "vitest";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

const RUNTIME = resolve(import.meta.dirname, "../../src/runtime");
const SRC = resolve(RUNTIME, "..");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

/** The code of a file without its comments (a `//` inside a string may cut a line short: never a miss of code before it). */
const code = (path: string) =>
  readFileSync(path, "utf8")
    .replace(/\/\*[\s\S]*?\*\//g, "")
    .replace(/(^|[^:"'`])\/\/.*$/gm, "$1");

/** The relative modules a file imports, statically or dynamically, resolved to paths. */
function imports(path: string): string[] {
  const found: string[] = [];
  for (const match of code(path).matchAll(/(?:from|import)\s*\(?\s*"([^"]+)"/g)) {
    const spec = match[1] as string;
    found.push(spec.startsWith(".") ? resolve(dirname(path), spec) : spec);
  }
  return found;
}

/** Every module reachable from `entry`: project files by path, packages by name. */
function reachable(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const todo = [entry];
  while (todo.length > 0) {
    const path = todo.pop() as string;
    if (files.has(path)) continue;
    files.add(path);
    for (const target of imports(path)) {
      if (!target.startsWith("/")) packages.add(target.startsWith("@") ? target.split("/").slice(0, 2).join("/") : (target.split("/")[0] as string));
      else if (existsSync(target)) todo.push(target);
    }
  }
  return { files, packages };
}

describe("the runtime's boundary with its host", () => {
  it("reads the process and the monotonic clock only in host.ts: everything else is injected", () => {
    const offenders = sourceFiles(RUNTIME)
      .filter((path) => !path.endsWith("/host.ts"))
      .flatMap((path) =>
        code(path)
          .split("\n")
          .flatMap((line, i) => (/\bprocess\.|\bperformance\.now\(/.test(line) ? [`${relative(SRC, path)}:${i + 1}: ${line.trim()}`] : [])),
      );
    expect(offenders).toEqual([]);
  });

  it("finds a use of the process outside host.ts when there is one", () => {
    expect(/\bprocess\./.test(code(join(RUNTIME, "host.ts")))).toBe(true);
  });

  it("does not load fast-check, the compiler or the testing helpers from the runtime's entry", () => {
    const { files, packages } = reachable(join(RUNTIME, "index.ts"));
    expect(files.size).toBeGreaterThan(20);
    expect([...packages].filter((name) => name === "fast-check")).toEqual([]);
    const above = [...files].map((path) => relative(SRC, path)).filter((path) => path.startsWith("testing/") || path.startsWith("compiler/") || path.startsWith("cli/"));
    expect(above).toEqual([]);
  });

  it("sees fast-check when it is reachable: from the property tester in src/testing", () => {
    expect(reachable(join(SRC, "testing/properties/check.ts")).packages.has("fast-check")).toBe(true);
  });
});
