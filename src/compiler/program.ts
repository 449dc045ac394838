/**
 * The compiler as named stages: load the config and discover files, parse, validate, bind and
 * check. Within a stage every file is processed, so one file's errors never hide another's;
 * later stages (lint, emit) run only when these reported no error.
 */
import { isAbsolute, resolve } from "node:path";
import type { KindName } from "../model/index.ts";
import type { SystemDocument } from "../model/system.ts";
import { KIND_NAMES } from "../model/index.ts";
import { checkSpecSet } from "./check/check.ts";
import type { NameReference } from "./check/report.ts";
import { bind, type NamedDocument, type SpecSet } from "./check/spec-set.ts";
import { type ResolvedConfig, loadConfig } from "./config.ts";
import { createCollector, diagnostic, type Diagnostic, sortDiagnostics } from "./diagnostics/diagnostic.ts";
import { expandOpenApiReference } from "./import/expand-reference.ts";
import { createSourceFile, type SourceFile } from "./diagnostics/source-file.ts";
import { decodeFile } from "./parse/decode.ts";
import type { ParsedDocument } from "./parse/document.ts";
import { frontEndFor } from "./parse/parsers.ts";
import { recoverDeclaredNames } from "./parse/recover-names.ts";
import { readGuardedFile, refusalDiagnostic } from "./read-file.ts";
import { discoverSpecFiles } from "./sources.ts";
import { type ValidDocument, validateDocument } from "./validate/validate-document.ts";

/** How a file is read and parsed; an editor supplies one that reads its unsaved buffers and caches. */
export type FileParser = (path: string, config: Pick<ResolvedConfig, "maxFileBytes" | "maxDepth">) => [SourceFile, ParsedDocument[], Diagnostic[]];

/** What to load: the working directory and, optionally, paths that replace the config's `specs`. */
export interface ProgramOptions {
  cwd: string;
  paths?: readonly string[];
  /** Reads and parses a file; `parseFile` (from disk) by default. */
  parse?: FileParser;
  /** Files to load beyond those found on disk (buffers open in an editor but not saved yet). */
  extraFiles?: readonly string[];
  /** Sees every name the checker resolves (see `checkSpecSet`). */
  onReference?: (reference: NameReference) => void;
  /** Runs the check stage; `checkSpecSet` by default (an editor supplies one that reuses results). */
  check?: typeof checkSpecSet;
  /** Told as each stage starts and as each file is read, so a long run can show progress. */
  onProgress?: (progress: CompileProgress) => void;
}

/** Where a compile is: a stage, and how much of it is done. */
export interface CompileProgress {
  stage: "read" | "check" | "lint" | "emit";
  done: number;
  total: number;
}

/** A loaded, checked spec set and everything found on the way. */
export interface Program {
  config: ResolvedConfig;
  files: readonly SourceFile[];
  documents: readonly ParsedDocument[];
  set: SpecSet;
  /** Sorted by file and position. */
  diagnostics: readonly Diagnostic[];
  /** True when no stage reported an error, so lint and emit may run. */
  ok: boolean;
}

/** Reads and parses one file with the front end its extension names. */
export function parseFile(path: string, config: Pick<ResolvedConfig, "maxFileBytes" | "maxDepth">): [SourceFile, ParsedDocument[], Diagnostic[]] {
  const [bytes, refusal] = readGuardedFile(path, { maxBytes: config.maxFileBytes });
  if (bytes === undefined) {
    const file = createSourceFile(path, "");
    return [file, [], [refusalDiagnostic(refusal, undefined, { file, start: 0, end: 0 })]];
  }
  const [file, decodeErrors] = decodeFile(path, bytes, config.maxFileBytes);
  if (decodeErrors.length > 0) return [file, [], decodeErrors];
  const frontEnd = frontEndFor(path);
  if (frontEnd === undefined) return [file, [], [diagnostic("file-unreadable", { reason: "not a spec file extension" }, { file, start: 0, end: 0 })]];
  const [documents, diagnostics] = frontEnd(file, { maxDepth: config.maxDepth });
  return [file, documents, diagnostics];
}

function namedOf(doc: ParsedDocument): NamedDocument | undefined {
  const value = doc.value as { kind?: unknown; metadata?: { name?: unknown } } | null;
  if (value === null || typeof value !== "object") return undefined;
  const kind = value.kind;
  const name = value.metadata?.name;
  if (typeof kind !== "string" || typeof name !== "string" || !(KIND_NAMES as readonly string[]).includes(kind)) return undefined;
  return { kind: kind as KindName, name };
}

/** Runs the front-end stages over the spec set the options name. */
export function loadProgram(options: ProgramOptions): Program {
  const [config, configErrors] = loadConfig(options.cwd);
  const collector = createCollector();
  collector.addAll(configErrors);
  const roots =
    options.paths !== undefined && options.paths.length > 0
      ? options.paths.map((p) => (isAbsolute(p) ? p : resolve(options.cwd, p)))
      : config.specs;
  const [found, discoveryErrors] = discoverSpecFiles(roots, options.cwd, config.exclude);
  collector.addAll(discoveryErrors);
  const paths = [...new Set([...found, ...(options.extraFiles ?? [])])];
  const parse = options.parse ?? parseFile;

  const files: SourceFile[] = [];
  const documents: ParsedDocument[] = [];
  // Names a file that did not parse appears to declare count as declared, so references to them stay quiet.
  const invalid: NamedDocument[] = [];
  for (const [i, path] of paths.entries()) {
    options.onProgress?.({ stage: "read", done: i, total: paths.length });
    const [file, docs, errors] = parse(path, config);
    files.push(file);
    for (const doc of docs) documents.push(doc);
    collector.addAll(errors);
    if (errors.some((d) => d.severity === "error")) invalid.push(...recoverDeclaredNames(file));
  }

  const valid: ValidDocument[] = [];
  for (const doc of documents) {
    const [validated, errors] = validateDocument(doc);
    collector.addAll(errors);
    if (validated !== undefined) valid.push(validated);
    else {
      const named = namedOf(doc);
      if (named !== undefined) invalid.push(named);
    }
  }

  // Systems that name a vendor OpenAPI document take their operations and schemas from it.
  for (const doc of valid) if (doc.kind === "System") collector.addAll(expandOpenApiReference(doc.value as SystemDocument, doc, config.root));

  options.onProgress?.({ stage: "check", done: 0, total: valid.length });
  const [set, bindErrors] = bind(valid, invalid);
  collector.addAll(bindErrors);
  collector.addAll((options.check ?? checkSpecSet)(set, options.onReference));

  return {
    config,
    files,
    documents,
    set,
    diagnostics: sortDiagnostics(collector.diagnostics),
    ok: !collector.hasErrors(),
  };
}
