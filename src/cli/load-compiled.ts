/**
 * The compiled spec set a command hosts. `spec run` executes the generated modules, the objects a
 * service imports, after checking with the manifest that they were compiled from the specs it was
 * given; a spec set compiled in memory (the same lowering, its code compiled where it stands) is
 * for `--compile` and for commands that only read definitions.
 */
import { existsSync, readFileSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { pathToFileURL } from "node:url";
import { MANIFEST_PATH, moduleFingerprints, type Staleness, stalenessOf } from "../compiler/emit/manifest.ts";
import { planEmit } from "../compiler/emit/typescript/plan.ts";
import { lowerSpecSet } from "../compiler/lower/lower.ts";
import type { Program } from "../compiler/program.ts";
import type { CompiledSpecSet } from "../pipeline/definitions.ts";
import type { LoweredSpecSet, ReconciliationDefinition } from "../pipeline/lowered.ts";
import { instantiateSpecSet } from "../runtime/instantiate.ts";

/** A program's spec set lowered and compiled in memory. */
export function compiledInMemory(program: Pick<Program, "set" | "config">): CompiledSpecSet {
  return instantiateSpecSet(lowerSpecSet(program.set, program.config.root));
}

/** A program's reconciliations, lowered. */
export function loweredReconciliations(program: Pick<Program, "set" | "config">): ReconciliationDefinition[] {
  return [...lowerSpecSet(program.set, program.config.root).reconciliations];
}

/** The compiled spec set a command runs, and where it came from. */
export type LoadedSpecSet =
  | { ok: true; compiled: CompiledSpecSet; lowered: LoweredSpecSet; from: "generated"; module: string }
  | { ok: true; compiled: CompiledSpecSet; lowered: LoweredSpecSet; from: "memory"; staleness: Staleness }
  | { ok: false; lowered: LoweredSpecSet; staleness: Staleness; out: string };

/** The output folder as a person reads it: relative to the working directory. */
function shown(cwd: string, path: string): string {
  const rel = relative(cwd, path).split(sep).join("/");
  return rel === "" ? "." : rel.startsWith("..") ? path : rel;
}

/** Whether anything is stale or missing. */
export function isCurrent(staleness: Staleness): boolean {
  return staleness.stale.length === 0 && staleness.missing.length === 0;
}

/** The generated module of a path, as JavaScript when built to it, else as TypeScript. */
function moduleOf(out: string, path: string): string | undefined {
  const js = join(out, path.replace(/\.ts$/, ".js"));
  if (existsSync(js)) return js;
  const ts = join(out, path);
  return existsSync(ts) ? ts : undefined;
}

/** How the program's output folder stands against its specs. */
export function generatedStaleness(program: Pick<Program, "set" | "config">, lowered: LoweredSpecSet): Staleness {
  const out = program.config.out;
  if (!existsSync(out)) return { stale: [], missing: [""] };
  const plan = planEmit(program.set, program.config.root, program.config.specs);
  let manifest: string | undefined;
  try {
    manifest = readFileSync(join(out, MANIFEST_PATH), "utf8");
  } catch {
    manifest = undefined;
  }
  return stalenessOf(moduleFingerprints(lowered, plan), manifest, (path) => moduleOf(out, path) !== undefined);
}

/** Imports the generated index module and returns its `specSet`; a module that exports none throws. */
async function importGenerated(path: string): Promise<CompiledSpecSet> {
  const module = (await import(pathToFileURL(path).href)) as { specSet?: CompiledSpecSet; default?: CompiledSpecSet };
  const specSet = module.specSet ?? module.default;
  if (specSet === undefined || !Array.isArray(specSet.pipelines) || specSet.systems === undefined) {
    throw new Error(`${path} does not export a compiled spec set (specSet)`);
  }
  return specSet;
}

/**
 * The spec set to run: the generated modules when they are current against the program's specs;
 * otherwise compiled in memory when `compile` allows it, else the staleness to report.
 */
export async function loadCompiledSpecSet(program: Pick<Program, "set" | "config">, options: { compile: boolean }): Promise<LoadedSpecSet> {
  const lowered = lowerSpecSet(program.set, program.config.root);
  const staleness = generatedStaleness(program, lowered);
  if (isCurrent(staleness)) {
    const module = moduleOf(program.config.out, "index.ts") as string;
    return { ok: true, compiled: await importGenerated(module), lowered, from: "generated", module };
  }
  if (options.compile) return { ok: true, compiled: instantiateSpecSet(lowered), lowered, from: "memory", staleness };
  return { ok: false, lowered, staleness, out: program.config.out };
}

/** Lines naming what is stale or missing, each path inside the output folder as `cwd` sees it. */
export function stalenessLines(cwd: string, out: string, staleness: Staleness): string[] {
  return [
    ...staleness.missing.map((path) => `  missing: ${path === "" ? `${shown(cwd, out)}/` : shown(cwd, join(out, path))}`),
    ...staleness.stale.map((path) => `  stale: ${shown(cwd, join(out, path))}`),
  ];
}

/** The generated modules when current, else the specs compiled in memory (for the demo and property checks). */
export async function generatedOrInMemory(program: Pick<Program, "set" | "config">): Promise<Extract<LoadedSpecSet, { ok: true }>> {
  const loaded = await loadCompiledSpecSet(program, { compile: true });
  if (!loaded.ok) throw new Error("compiling in memory was refused");
  return loaded;
}
