import { describe, expect, it } from "vitest";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { ts } from "ts-morph";

const RUNTIME = resolve(import.meta.dirname, "../../src/runtime");
const MAX_FILE_LINES = 400;
const MAX_FUNCTION_LINES = 120;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

/** Every function of a source text longer than `most` lines, as `name (lines)` at its line. */
function longFunctions(name: string, text: string, most: number): string[] {
  const source = ts.createSourceFile(name, text, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isFunctionLike(node) && "body" in node && node.body !== undefined) {
      const first = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
      const last = source.getLineAndCharacterOfPosition(node.getEnd()).line;
      const label = node.name !== undefined && ts.isIdentifier(node.name) ? node.name.text : "(anonymous)";
      if (last - first + 1 > most) found.push(`${name}:${first + 1} ${label} (${last - first + 1} lines)`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe("the runtime's code stays small enough to hold in one's head", () => {
  const files = sourceFiles(RUNTIME).map((path) => ({ name: relative(RUNTIME, path), text: readFileSync(path, "utf8") }));

  it(`has no file over ${MAX_FILE_LINES} lines`, () => {
    const long = files.filter((f) => f.text.split("\n").length > MAX_FILE_LINES).map((f) => `${f.name} (${f.text.split("\n").length} lines)`);
    expect(long).toEqual([]);
  });

  it(`has no function over ${MAX_FUNCTION_LINES} lines`, () => {
    expect(files.flatMap((f) => longFunctions(f.name, f.text, MAX_FUNCTION_LINES))).toEqual([]);
  });

  it("measures a function's lines from its first line to its last", () => {
    const body = Array.from({ length: 5 }, (_, i) => `  const a${i} = ${i};`).join("\n");
    const text = `export function five() {\n${body}\n}\nconst arrow = () => {\n  return 1;\n};\n`;
    expect(longFunctions("x.ts", text, 6)).toEqual(["x.ts:1 five (7 lines)"]);
    expect(longFunctions("x.ts", text, 7)).toEqual([]);
  });
});
