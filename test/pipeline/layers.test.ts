import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { describe, expect, it } from "vitest";
import { projectRoot } from "../../src/testing/environment.ts";

const SRC = join(projectRoot, "src");

/** Every TypeScript file below a folder of src/, as a path relative to src/. */
function filesIn(folder: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith(".ts")) out.push(relative(SRC, full).split(sep).join("/"));
    }
  };
  walk(join(SRC, folder));
  return out.sort();
}

/** The src/ files a file imports (static and dynamic imports with relative specifiers), relative to src/. */
function importsOf(file: string): string[] {
  const text = readFileSync(join(SRC, file), "utf8");
  const specifiers = [...text.matchAll(/(?:from|import)\s*\(?\s*"(\.{1,2}\/[^"]+)"/g)].map((m) => m[1] as string);
  return specifiers.map((s) => relative(SRC, resolve(dirname(join(SRC, file)), s)).split(sep).join("/"));
}

/** `file imports target` for every import of the files below `from` that lands below one of `forbidden`. */
function crossings(from: string, forbidden: readonly string[]): string[] {
  return filesIn(from).flatMap((file) =>
    importsOf(file)
      .filter((target) => forbidden.some((folder) => target.startsWith(`${folder}/`)))
      .map((target) => `${file} imports ${target}`),
  );
}

describe("the layers of src/", () => {
  it("keeps the compiler from importing the runtime, the CLI and the test helpers", () => {
    expect(crossings("compiler", ["runtime", "cli", "testing", "ops", "dashboard", "demo"])).toEqual([]);
  });

  it("keeps the runtime and the reconciler from importing the compiler, the CLI and the test helpers", () => {
    expect(crossings("runtime", ["compiler", "cli", "testing"])).toEqual([]);
    expect(crossings("ops", ["compiler", "cli", "testing"])).toEqual([]);
  });

  it("keeps the pipeline contract below both: it imports only the spec model", () => {
    const imported = filesIn("pipeline").flatMap(importsOf);
    expect(imported.filter((target) => !target.startsWith("pipeline/") && !target.startsWith("model/"))).toEqual([]);
  });
});
