/**
 * Analysing the spec set as the editor sees it: open buffers in place of their files on disk.
 * Each file's parse is cached by its text (a buffer) or its modification time and size (a file
 * on disk), so an edit re-parses only the edited document; binding and the cross-file checks then
 * run over the whole set, which is what makes an edit's effect on other files visible.
 */
import { statSync } from "node:fs";
import { diagnostic, type Diagnostic } from "../compiler/diagnostics/diagnostic.ts";
import type { NameReference } from "../compiler/check/report.ts";
import { createSourceFile, type SourceFile } from "../compiler/diagnostics/source-file.ts";
import type { ParsedDocument } from "../compiler/parse/document.ts";
import { frontEndFor } from "../compiler/parse/parsers.ts";
import { type FileParser, loadProgram, parseFile, type Program } from "../compiler/program.ts";
import { loadConfig } from "../compiler/config.ts";
import { isInside } from "../compiler/read-file.ts";
import type { CheckCache } from "./check-cache.ts";
import type { OpenDocuments } from "./open-documents.ts";

type Parsed = [SourceFile, ParsedDocument[], Diagnostic[]];

/** One analysis of the set: the program, every name reference the checker resolved, and parses by path. */
export interface Snapshot {
  program: Program;
  references: readonly NameReference[];
  /** Every loaded file's documents by path (a file that did not parse has none). */
  documents: ReadonlyMap<string, readonly ParsedDocument[]>;
  files: ReadonlyMap<string, SourceFile>;
}

/** Parses files, reusing what has not changed since the last analysis. */
export interface ParseCache {
  parser(open: OpenDocuments): FileParser;
  /** Forgets a file on disk (it changed or went away). */
  forget(path: string): void;
  /** How many parses the last analysis reused and made, for the log. */
  stats(): { reused: number; parsed: number };
}

interface Entry {
  key: string;
  result: Parsed;
}

function parseText(path: string, text: string, maxDepth: number): Parsed {
  const file = createSourceFile(path, text);
  const frontEnd = frontEndFor(path);
  if (frontEnd === undefined) return [file, [], [diagnostic("file-unreadable", { reason: "not a spec file extension" }, { file, start: 0, end: 0 })]];
  const [documents, diagnostics] = frontEnd(file, { maxDepth });
  return [file, documents, diagnostics];
}

function diskKey(path: string): string {
  const stat = statSync(path, { throwIfNoEntry: false });
  return stat === undefined ? "missing" : `${stat.mtimeMs}:${stat.size}`;
}

/** Makes an empty cache. */
export function createParseCache(): ParseCache {
  const entries = new Map<string, Entry>();
  let reused = 0;
  let parsed = 0;
  const cached = (path: string, key: string, make: () => Parsed): Parsed => {
    const hit = entries.get(path);
    if (hit !== undefined && hit.key === key) {
      reused++;
      return hit.result;
    }
    parsed++;
    const result = make();
    entries.set(path, { key, result });
    return result;
  };
  return {
    parser(open) {
      reused = 0;
      parsed = 0;
      return (path, config) => {
        const buffer = open.get(path);
        if (buffer === undefined) return cached(path, `disk:${diskKey(path)}`, () => parseFile(path, config));
        const text = buffer.document.getText();
        if (buffer.oversized) {
          const file = createSourceFile(path, "");
          const size = Buffer.byteLength(text, "utf8");
          return [file, [], [diagnostic("file-too-large", { size, limit: config.maxFileBytes }, { file, start: 0, end: 0 })]];
        }
        return cached(path, `buffer:${buffer.document.version}:${text.length}`, () => parseText(path, text, config.maxDepth));
      };
    },
    forget(path) {
      entries.delete(path);
    },
    stats: () => ({ reused, parsed }),
  };
}

/** Open buffers that belong to the set: spec files under one of its roots, saved or not. */
function openSpecFiles(open: OpenDocuments, roots: readonly string[]): string[] {
  return open
    .all()
    .map((d) => d.path)
    .filter((path) => frontEndFor(path) !== undefined && roots.some((root) => isInside(root, path)));
}

/**
 * A System that names a vendor OpenAPI document has the document's operations merged into its
 * value when the program loads; a cached parse is copied first, so each analysis merges afresh.
 */
function freshValues(documents: readonly ParsedDocument[]): ParsedDocument[] {
  return documents.map((doc) => {
    const value = doc.value as { kind?: unknown; spec?: { openapi?: unknown } } | null;
    return value?.kind === "System" && value.spec?.openapi !== undefined ? { ...doc, value: structuredClone(doc.value) } : doc;
  });
}

/** Analyses the set rooted at `cwd` with the open buffers in place of their files. */
export function analyse(cwd: string, open: OpenDocuments, cache: ParseCache, checks: CheckCache): Snapshot {
  const [config] = loadConfig(cwd);
  const references: NameReference[] = [];
  const documents = new Map<string, ParsedDocument[]>();
  const files = new Map<string, SourceFile>();
  const parser = cache.parser(open);
  const program = loadProgram({
    cwd,
    parse: (path, config) => {
      const [file, parsed, diagnostics] = parser(path, config);
      const fresh = freshValues(parsed);
      files.set(path, file);
      documents.set(path, fresh);
      return [file, fresh, diagnostics];
    },
    extraFiles: openSpecFiles(open, config.specs),
    onReference: (reference) => references.push(reference),
    check: checks.check,
  });
  return { program, references, documents, files };
}
