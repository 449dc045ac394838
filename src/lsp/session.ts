/**
 * The server's state: the open buffers, the parse cache, the latest analysis and what was last
 * published for each file. Edits mark the analysis stale; requests analyse at once when it is,
 * and diagnostics are published shortly after the last edit, only for files whose diagnostics
 * changed. Each analysis is logged with what it cost and counted.
 */
import type { Diagnostic as LspDiagnostic } from "vscode-languageserver";
import type { BoundDocument } from "../compiler/check/spec-set.ts";
import type { Diagnostic } from "../compiler/diagnostics/diagnostic.ts";
import { lintRun } from "../compiler/lint/lint.ts";
import { analyse, createParseCache, type Snapshot } from "./analysis.ts";
import { createCheckCache } from "./check-cache.ts";
import { groupByFile } from "./lsp-diagnostics.ts";
import { createOpenDocuments, type OpenDocuments } from "./open-documents.ts";
import { uriOf } from "./positions.ts";
import { buildSymbolIndex, type SymbolIndex } from "./symbol-index.ts";

/** What the session needs from its host (the connection, or a test). */
export interface SessionOptions {
  root: string;
  /** The largest buffer analysed, in bytes. */
  maxBytes: number;
  /** Quiet time after an edit before diagnostics are published. */
  debounceMs: number;
  log(message: string): void;
  publish(uri: string, diagnostics: LspDiagnostic[], version: number | undefined): void;
}

/** Counters the session keeps, readable with the `syncspec/stats` request. */
export interface SessionStats {
  analyses: number;
  publications: number;
  staleChanges: number;
  declinedDocuments: number;
  lastAnalysisMs: number;
  lastParsed: number;
  lastReused: number;
  lastChecked: number;
  lastCheckReused: number;
  rssBytes: number;
  heapUsedBytes: number;
}

/** The current analysis with its symbol index. */
export interface View {
  snapshot: Snapshot;
  index: SymbolIndex;
}

export interface Session {
  readonly open: OpenDocuments;
  /** The documents a file declares now, or declared when it last parsed (completion while it does not). */
  documentsOf(path: string): BoundDocument[];
  readonly stats: Omit<SessionStats, "rssBytes" | "heapUsedBytes">;
  /** Marks the analysis stale and schedules publishing. */
  changed(): void;
  /** Forgets a file on disk that changed or went away, then as `changed`. */
  diskChanged(path: string): void;
  /** The analysis of the current text, made now if stale. */
  view(): View;
  /** Publishes now (tests and shutdown); resolves when done. */
  flush(): Promise<void>;
  dispose(): void;
}

/** Records each file's documents; a file that declares none now (it does not parse) keeps the last. */
function rememberDocuments(snapshot: Snapshot, memory: Map<string, BoundDocument[]>): void {
  const now = new Map<string, BoundDocument[]>();
  for (const doc of snapshot.program.set.documents) now.set(doc.source.file.path, [...(now.get(doc.source.file.path) ?? []), doc]);
  for (const [path, mappings] of now) memory.set(path, mappings);
  for (const path of memory.keys()) if (!snapshot.files.has(path)) memory.delete(path);
}

/** Makes a session. */
export function createSession(options: SessionOptions): Session {
  const open = createOpenDocuments(options.maxBytes);
  const cache = createParseCache();
  const checks = createCheckCache();
  const stats = { analyses: 0, publications: 0, staleChanges: 0, declinedDocuments: 0, lastAnalysisMs: 0, lastParsed: 0, lastReused: 0, lastChecked: 0, lastCheckReused: 0 };
  const published = new Map<string, string>();
  const lastDocuments = new Map<string, BoundDocument[]>();
  let current: View | undefined;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let again = false;

  const view = (): View => {
    if (current !== undefined) return current;
    const started = performance.now();
    const snapshot = analyse(options.root, open, cache, checks);
    let index: SymbolIndex | undefined;
    // The index serves requests only; diagnostics never wait for it.
    current = {
      snapshot,
      get index() {
        index ??= buildSymbolIndex(snapshot);
        return index;
      },
    };
    rememberDocuments(snapshot, lastDocuments);
    stats.analyses++;
    stats.lastAnalysisMs = Math.round(performance.now() - started);
    ({ parsed: stats.lastParsed, reused: stats.lastReused } = cache.stats());
    ({ checked: stats.lastChecked, reused: stats.lastCheckReused } = checks.stats());
    options.log(
      `analysed ${snapshot.files.size} files (${stats.lastParsed} parsed, ${stats.lastReused} reused; ${stats.lastChecked} documents checked, ${stats.lastCheckReused} reused) in ${stats.lastAnalysisMs} ms`,
    );
    return current;
  };

  const send = (diagnostics: readonly Diagnostic[], paths: Iterable<string>) => {
    const { byFile, unlocated } = groupByFile(diagnostics);
    for (const d of unlocated) options.log(`${d.severity} ${d.code}: ${d.message}`);
    const targets = new Set([...paths, ...byFile.keys(), ...published.keys()]);
    for (const path of targets) {
      const list = byFile.get(path) ?? [];
      const buffer = open.get(path);
      // An open buffer hears about every version it reaches, as editors expect; other files only of changes.
      const text = `${buffer?.document.version ?? ""}:${JSON.stringify(list)}`;
      if (published.get(path) === text) continue;
      published.set(path, text);
      options.publish(buffer?.uri ?? uriOf(path), list, buffer?.document.version);
      stats.publications++;
    }
  };

  const publishOnce = async () => {
    const { snapshot } = view();
    let diagnostics: readonly Diagnostic[] = snapshot.program.diagnostics;
    if (snapshot.program.ok) {
      const { findings } = await lintRun(snapshot.program);
      diagnostics = [...diagnostics, ...findings];
    }
    // An edit during lint made this analysis stale: its diagnostics would be out of date.
    if (current?.snapshot !== snapshot) {
      again = true;
      return;
    }
    send(diagnostics, [...snapshot.files.keys(), ...open.all().map((d) => d.path)]);
  };

  const flush = async (): Promise<void> => {
    if (running !== undefined) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        try {
          await publishOnce();
        } catch (error) {
          options.log(`analysis failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
        }
      } while (again);
      running = undefined;
    })();
    return running;
  };

  const changed = () => {
    current = undefined;
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      void flush();
    }, options.debounceMs);
  };

  return {
    open,
    documentsOf(path) {
      view();
      return lastDocuments.get(path) ?? [];
    },
    stats,
    changed,
    diskChanged(path) {
      cache.forget(path);
      changed();
    },
    view,
    flush,
    dispose() {
      if (timer !== undefined) clearTimeout(timer);
    },
  };
}
