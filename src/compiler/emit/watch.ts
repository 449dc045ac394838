/**
 * Watch mode: recompiles when a spec file changes and writes only the files whose text changed
 * since the last emit. Changes arriving together are handled as one recompile.
 */
import { type FSWatcher, watch } from "node:fs";
import type { Diagnostic } from "../diagnostics/diagnostic.ts";
import { compileSpecs } from "./compile.ts";
import { writeChanged, writeOutput } from "./write.ts";

/** One recompile: what it found and which output files it wrote. */
export interface WatchCycle {
  diagnostics: readonly Diagnostic[];
  written: readonly string[];
  emitted: boolean;
  ms: number;
}

export interface WatchOptions {
  cwd: string;
  paths: readonly string[];
  outDir: string;
  onCycle(cycle: WatchCycle): void;
  /** Milliseconds to wait for more changes before recompiling. */
  debounceMs?: number;
}

/** A running watch. */
export interface Watcher {
  close(): void;
}

/** Compiles once, then again on every change under the spec roots. */
export function watchSpecs(options: WatchOptions): Watcher {
  let previous = new Map<string, string>();
  let timer: NodeJS.Timeout | undefined;
  const cycle = (first: boolean) => {
    const started = performance.now();
    const result = compileSpecs(options.cwd, options.paths);
    let written: string[] = [];
    if (result.files !== undefined) {
      written = first ? writeOutput(options.outDir, result.files).written : writeChanged(options.outDir, result.files, previous);
      previous = new Map(result.files.map((f) => [f.path, f.text]));
    }
    options.onCycle({ diagnostics: result.diagnostics, written, emitted: result.files !== undefined, ms: performance.now() - started });
    return result;
  };
  const first = cycle(true);
  const roots = options.paths.length > 0 ? options.paths.map((p) => (p.startsWith("/") ? p : `${options.cwd}/${p}`)) : first.program.config.specs;
  const watchers: FSWatcher[] = roots.map((root) =>
    watch(root, { recursive: true }, () => {
      if (timer !== undefined) clearTimeout(timer);
      timer = setTimeout(() => cycle(false), options.debounceMs ?? 30);
    }),
  );
  return {
    close() {
      if (timer !== undefined) clearTimeout(timer);
      for (const w of watchers) w.close();
    },
  };
}
