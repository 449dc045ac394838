/**
 * Watch mode: recompiles when a spec file changes (however it is saved: in place, by rename, or
 * by a checkout that replaces folders; see watch-tree.ts), and writes only the files whose text
 * changed.
 * The front end runs again over the whole set (diagnostics must be complete); emitting is
 * incremental (incremental.ts). Changes arriving together are handled as one recompile.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, isAbsolute, join, resolve } from "node:path";
import type { Diagnostic } from "../diagnostics/diagnostic.ts";
import { sortDiagnostics } from "../diagnostics/diagnostic.ts";
import { lintProject } from "../lint/lint.ts";
import { loadConfig } from "../config.ts";
import { loadProgram } from "../program.ts";
import { type EmitState, emitIncrementally } from "./incremental.ts";
import { watchTree } from "./watch-tree.ts";
import { diffOutput } from "./write.ts";

/** One recompile: what it found and which output files it wrote or removed. */
export interface WatchCycle {
  diagnostics: readonly Diagnostic[];
  written: readonly string[];
  removed: readonly string[];
  emitted: boolean;
  ms: number;
}

/** What to watch, where the output goes, and who hears about each recompile. */
export interface WatchOptions {
  cwd: string;
  paths: readonly string[];
  outDir: string;
  onCycle(cycle: WatchCycle): void;
  /** Milliseconds to wait for more changes before recompiling. */
  debounceMs?: number;
  /** Whether the Policy's rule modules run (default true); false reports each as skipped. */
  ruleModules?: boolean;
}

/** A running watch. */
export interface Watcher {
  close(): void;
}

/** Compiles once (bringing the output folder in line), then again on every change under the spec roots. */
export function watchSpecs(options: WatchOptions): Watcher {
  let state: EmitState | undefined;
  let timer: NodeJS.Timeout | undefined;
  const changed = new Set<string>();
  let running: Promise<void> | undefined;
  let again = false;
  const cycle = async () => {
    const started = performance.now();
    const program = loadProgram({ cwd: options.cwd, paths: options.paths });
    const lint = program.ok ? await lintProject(program, options.ruleModules === undefined ? {} : { ruleModules: options.ruleModules }) : [];
    const diagnostics = sortDiagnostics([...program.diagnostics, ...lint]);
    const ok = program.ok && !lint.some((d) => d.severity === "error");
    let written: string[] = [];
    let removed: string[] = [];
    if (ok) {
      const first = state === undefined;
      const result = emitIncrementally(program, state, new Set(changed));
      changed.clear();
      let write = result.write;
      if (first) {
        // The first emit compares with the folder as it is, so an up-to-date folder is left alone.
        const diff = diffOutput(options.outDir, [...result.state.files].map(([path, text]) => ({ path, text })));
        const stale = new Set([...diff.missing, ...diff.stale]);
        write = [...result.state.files].filter(([path]) => stale.has(path)).map(([path, text]) => ({ path, text }));
        result.remove.push(...diff.extra);
      }
      for (const file of write) {
        const path = join(options.outDir, file.path);
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(path, file.text);
      }
      for (const path of result.remove) rmSync(join(options.outDir, path), { force: true });
      state = result.state;
      written = write.map((f) => f.path);
      removed = result.remove;
    }
    options.onCycle({ diagnostics, written, removed, emitted: ok, ms: performance.now() - started });
  };
  // One recompile at a time; changes during one are picked up by the next.
  const schedule = () => {
    if (running !== undefined) {
      again = true;
      return;
    }
    running = cycle().finally(() => {
      running = undefined;
      if (again) {
        again = false;
        schedule();
      }
    });
  };
  schedule();
  const [config] = loadConfig(options.cwd);
  const roots = options.paths.length > 0 ? options.paths.map((p) => (isAbsolute(p) ? p : resolve(options.cwd, p))) : config.specs;
  const tree = watchTree(roots, (path) => {
    changed.add(path);
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(schedule, options.debounceMs ?? 30);
  });
  return {
    close() {
      if (timer !== undefined) clearTimeout(timer);
      tree.close();
    },
  };
}
