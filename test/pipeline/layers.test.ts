import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { describe, expect, it } from "vitest";
import { projectRoot } from "../../src/testing/environment.ts";
import { STEP_ACTIONS } from "../../src/model/constants.ts";

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

/** Every src/ file `entry` loads through relative imports, itself included, relative to src/. */
function closureOf(entry: string): string[] {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const target of importsOf(file)) visit(target);
  };
  visit(entry);
  return [...seen].sort();
}

describe("the layers of src/", () => {
  it("keeps the compiler from importing the runtime, the CLI and the test helpers", () => {
    expect(crossings("compiler", ["runtime", "cli", "testing", "ops", "dashboard", "demo"])).toEqual([]);
  });

  it("keeps the runtime and the reconciler from importing the compiler, the CLI and the test helpers", () => {
    expect(crossings("runtime", ["compiler", "cli", "testing"])).toEqual([]);
    expect(crossings("ops", ["compiler", "cli", "testing"])).toEqual([]);
  });

  it("keeps the language server an editor tool: only the CLI loads it, and it loads no runtime", () => {
    const outside = ["compiler", "runtime", "ops", "dashboard", "demo", "transform", "pipeline", "model", "steps", "testing"];
    expect(outside.flatMap((folder) => crossings(folder, ["lsp"]))).toEqual([]);
    expect(crossings("lsp", ["runtime", "cli", "testing", "ops", "dashboard", "demo"])).toEqual([]);
  });

  it("keeps the pipeline contract below both: it imports only the spec model", () => {
    const imported = filesIn("pipeline").flatMap(importsOf);
    expect(imported.filter((target) => !target.startsWith("pipeline/") && !target.startsWith("model/"))).toEqual([]);
  });

  it("keeps every step kind's runtime half from loading the compiler, and its compiler half from loading the runtime", () => {
    const runtimeSide = closureOf("steps/run-registry.ts");
    const compilerSide = [...closureOf("steps/compile-registry.ts"), ...closureOf("steps/dsl-registry.ts")];
    expect(runtimeSide.filter((file) => ["compiler/", "cli/", "testing/"].some((folder) => file.startsWith(folder)))).toEqual([]);
    expect(compilerSide.filter((file) => ["runtime/", "cli/", "testing/", "ops/"].some((folder) => file.startsWith(folder)))).toEqual([]);
    // Both halves of every kind are reached: a kind's run.ts from the runtime, its compile.ts from the compiler.
    expect(runtimeSide.filter((file) => /^steps\/[a-z-]+\/run\.ts$/.test(file))).toHaveLength(STEP_ACTIONS.length);
    expect(compilerSide.filter((file) => /^steps\/[a-z-]+\/compile\.ts$/.test(file))).toHaveLength(STEP_ACTIONS.length);
    expect(compilerSide.filter((file) => /^steps\/[a-z-]+\/dsl\.ts$/.test(file))).toHaveLength(STEP_ACTIONS.length);
  });

  it("keeps the step kinds' schemas on the spec model alone, so the model never loads a compiler or runtime half", () => {
    const loaded = closureOf("steps/schemas.ts");
    expect(loaded.filter((file) => !file.startsWith("model/") && !/^steps\/([a-z-]+\/schema|schemas)\.ts$/.test(file))).toEqual([]);
  });
});
