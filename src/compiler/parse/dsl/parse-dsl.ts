/**
 * The DSL front end: `.sync` text to ParsedDocuments, exactly as the YAML front end hands them on.
 * Stages: lex (with located diagnostics for bad strings and blocks), a nesting check (so hostile
 * input cannot exhaust the stack), parse with error recovery (every syntax error is reported,
 * not only the first; a misspelt keyword is named once, in place of the errors it causes), and
 * lowering of each document that parsed cleanly. Nothing throws.
 */
import type { IRecognitionException, IToken } from "chevrotain";
import { diagnostic, type Diagnostic, type Location } from "../../diagnostics/diagnostic.ts";
import { lineAndColumn, type SourceFile } from "../../diagnostics/source-file.ts";
import type { ParsedDocument, PathSegment } from "../document.ts";
import { DEFAULT_MAX_DEPTH } from "../yaml/parse-yaml.ts";
import { lowerDocument, type Recorder } from "./cst-to-model.ts";
import type { DocumentCstNode, FileCstNode } from "./cst-types.ts";
import { resetBlockScans, scanBraceBlock } from "./jsonata-block.ts";
import { findMisspeltKeywords } from "./misspelt-keywords.ts";
import { dslParser, errorToken } from "./parser.ts";
import { dslLexer } from "./tokens.ts";

/** Limits the DSL front end enforces. */
export interface DslLimits {
  maxDepth: number;
}

/** A range as offsets. */
export interface Span {
  start: number;
  end: number;
}

/** A parsed DSL document, with what `spec fmt` needs to put comments back. */
export interface DslDocument extends ParsedDocument {
  /**
   * Statement spans by path key (`pathKey`), and the path keys of blocks by the offset of their
   * closing brace: where `spec fmt` puts comments back.
   */
  layout(): { statements: Map<string, Span>; blockEnds: Map<number, string> };
  span: Span;
}

/** A whole file as read: its documents, its comments, and what went wrong. */
export interface DslFile {
  documents: DslDocument[];
  comments: IToken[];
  /** Every token other than comments, in order. */
  tokens: IToken[];
  diagnostics: Diagnostic[];
}

/**
 * The key a path is stored under: segments joined by U+0000, indexes marked with U+0001 (a key
 * holding those characters could only make a diagnostic's range less exact, never a value wrong).
 */
export function pathKey(path: readonly PathSegment[]): string {
  let key = "";
  for (let i = 0; i < path.length; i++) {
    const segment = path[i];
    key += i === 0 ? "" : "\u0000";
    key += typeof segment === "number" ? `\u0001${segment}` : segment;
  }
  return key;
}

/** True when `key` is `parent`'s key or the key of a path below it. */
export function keyWithin(key: string, parent: string): boolean {
  return parent === "" || key === parent || (key.startsWith(parent) && key.charCodeAt(parent.length) === 0);
}

interface PathRange {
  start: number;
  end: number;
  keyStart?: number;
  keyEnd?: number;
}

function lexDiagnostics(file: SourceFile, tokens: IToken[], out: Diagnostic[]): void {
  const text = file.text;
  const at = (start: number, end: number): Location => ({ file, start, end });
  for (const token of tokens) {
    const type = token.tokenType.name;
    if (type.length < 9 || !(type.startsWith("Bad") || type.startsWith("Broken") || type === "JsonataBlock")) continue;
    if (type === "BadString") {
      const image = token.image;
      const bad = /\\(?!["\\/bfnrt]|u[0-9a-fA-F]{4})[^\n\r]?/.exec(image);
      if (image.length < 2 || !image.endsWith('"') || (bad !== null && bad.index + bad[0].length === image.length)) {
        out.push(diagnostic("dsl-unterminated-string", {}, at(token.startOffset, token.startOffset + image.length)));
      } else if (bad !== null) {
        const start = token.startOffset + bad.index;
        out.push(diagnostic("dsl-invalid-escape", { escape: bad[0] }, at(start, start + bad[0].length)));
      }
    } else if (type === "BrokenJsonataBlock") {
      const problem = scanBraceBlock(text, token.startOffset).problem;
      const line = (offset: number) => `line ${lineAndColumn(file, offset).line}`;
      if (problem === undefined || problem.kind === "unterminated") {
        out.push(diagnostic("dsl-unterminated-block", { what: "JSONata block", close: "}}" }, at(token.startOffset, token.startOffset + 2)));
      } else if (problem.kind === "unclosed-brace") {
        out.push(
          diagnostic(
            "dsl-unbalanced-braces",
            { detail: `the '{' on ${line(problem.at)} is never closed, so the block runs to the end of the file` },
            at(problem.at, problem.at + 1),
          ),
        );
      } else if (problem.kind === "swallowed-close") {
        const close = problem.close ?? problem.at;
        const where = lineAndColumn(file, close);
        out.push(
          diagnostic(
            "dsl-unbalanced-braces",
            { detail: `this '{' is closed by the first '}' of the '}}' at ${where.line}:${where.column}, so the block never ends; add a '}' there` },
            at(problem.at, problem.at + 1),
          ),
        );
      } else if (problem.kind === "unclosed-string") {
        out.push(diagnostic("dsl-unterminated-string", {}, at(problem.at, problem.at + 1)));
      }
    } else if (type === "JsonataBlock") {
      const problem = scanBraceBlock(text, token.startOffset).problem;
      if (problem?.kind === "stray-brace") {
        out.push(diagnostic("dsl-unbalanced-braces", { detail: "this '}' closes nothing (write '}}' to end the block)" }, at(problem.at, problem.at + 1)));
      }
    } else if (type === "BrokenJsonataFence") {
      out.push(diagnostic("dsl-unterminated-block", { what: "fenced JSONata block", close: "```" }, at(token.startOffset, token.startOffset + 3)));
    }
  }
}

/** Refuses nesting past the limit before parsing, so the recursive parser never sees it. */
function checkNesting(file: SourceFile, tokens: IToken[], maxDepth: number, out: Diagnostic[]): boolean {
  let depth = 0;
  for (const token of tokens) {
    const type = token.tokenType.name;
    if (type === "LCurly" || type === "LBracket" || type === "LParen") {
      depth++;
      if (depth > maxDepth) {
        out.push(diagnostic("nesting-too-deep", { limit: maxDepth }, { file, start: token.startOffset, end: token.startOffset + 1 }));
        return false;
      }
    } else if (type === "RCurly" || type === "RBracket" || type === "RParen") depth = Math.max(0, depth - 1);
  }
  return true;
}

/** What lowering records for one document. */
interface DocumentRecord {
  ranges: Map<string, PathRange>;
  strings: Map<string, (o: number) => number>;
  statements: Map<string, Span>;
  blockEnds: Map<number, string>;
}

function newRecord(): DocumentRecord {
  return { ranges: new Map(), strings: new Map(), statements: new Map(), blockEnds: new Map() };
}

/** One recorder per file, writing into the current document's record (built once: it is on the hot path). */
function createRecorder(file: SourceFile, out: Diagnostic[]): { recorder: Recorder; use(record: DocumentRecord): void } {
  let current = newRecord();
  const recorder: Recorder = {
    file,
    range(path, start, end, keyStart, keyEnd) {
      const key = pathKey(path);
      const previous = current.ranges.get(key);
      const range: PathRange = { start, end };
      if (keyStart !== undefined && keyEnd !== undefined) {
        range.keyStart = keyStart;
        range.keyEnd = keyEnd;
      } else if (previous?.keyStart !== undefined && previous.keyEnd !== undefined) {
        range.keyStart = previous.keyStart;
        range.keyEnd = previous.keyEnd;
      }
      current.ranges.set(key, range);
    },
    statement(path, start, end) {
      const key = pathKey(path);
      if (!current.statements.has(key)) current.statements.set(key, { start, end });
    },
    blockEnd(path, offset) {
      current.blockEnds.set(offset, pathKey(path));
    },
    string(path, offsetOf) {
      current.strings.set(pathKey(path), offsetOf);
    },
    report(d) {
      out.push(d);
    },
  };
  return {
    recorder,
    use(record) {
      current = record;
    },
  };
}

function locateIn(file: SourceFile, ranges: Map<string, PathRange>, path: readonly PathSegment[], part: "key" | "value"): Location {
  for (let n = path.length; n >= 0; n--) {
    const range = ranges.get(pathKey(path.slice(0, n)));
    if (range === undefined) continue;
    const useKey = (part === "key" || n < path.length) && range.keyStart !== undefined && range.keyEnd !== undefined;
    return useKey ? { file, start: range.keyStart!, end: range.keyEnd! } : { file, start: range.start, end: range.end };
  }
  return { file, start: 0, end: 0 };
}

const ignore = (): void => {};

/** A recorder that only reports: the first lowering, which most documents never need more of. */
function reportingRecorder(file: SourceFile, out: Diagnostic[]): Recorder {
  return { file, range: ignore, statement: ignore, blockEnd: ignore, string: ignore, report: (d) => out.push(d) };
}

/**
 * Lowers a document once for its value and diagnostics; where its parts were written is
 * recorded by lowering it again, the first time someone asks (most documents are never asked).
 */
function makeDocument(file: SourceFile, node: DocumentCstNode, reporter: Recorder): DslDocument {
  const value = lowerDocument(node, reporter);
  let record: DocumentRecord | undefined;
  const recorded = (): DocumentRecord => {
    if (record === undefined) {
      const fresh = newRecord();
      const recording = createRecorder(file, []);
      recording.use(fresh);
      lowerDocument(node, recording.recorder);
      record = fresh;
    }
    return record;
  };
  const start = node.location?.startOffset;
  const end = node.location?.endOffset;
  return {
    file,
    value,
    layout: () => ({ statements: recorded().statements, blockEnds: recorded().blockEnds }),
    span: { start: start !== undefined && Number.isFinite(start) ? start : 0, end: end !== undefined && Number.isFinite(end) ? end + 1 : file.text.length },
    locate: (path, part = "value") => locateIn(file, recorded().ranges, path, part),
    stringOffsets: (path) => recorded().strings.get(pathKey(path)),
  };
}

/**
 * Reports parser errors as `dsl-syntax`, each place once, leaving out those `skip` names and the
 * end of a file that an unclosed block or string has already explained.
 */
function reportSyntaxErrors(file: SourceFile, errors: readonly IRecognitionException[], diagnostics: Diagnostic[], seen: Set<number>, skip: (start: number) => boolean): void {
  for (const error of errors) {
    const token = errorToken(error);
    const start = Number.isFinite(token.startOffset) ? token.startOffset : file.text.length;
    const end = Number.isFinite(token.endOffset ?? Number.NaN) ? (token.endOffset ?? start) + 1 : start;
    if (seen.has(start) || skip(start)) continue;
    // a block or string that never closed has swallowed the rest of the file: the end is no news
    if (start >= file.text.length && diagnostics.some((d) => d.code === "dsl-unterminated-block" || d.code === "dsl-unbalanced-braces")) continue;
    seen.add(start);
    diagnostics.push(diagnostic("dsl-syntax", { detail: error.message }, { file, start, end }));
  }
}

/** Reads a DSL file: documents, comments and diagnostics. Never throws on any text. */
export function readDsl(file: SourceFile, limits: DslLimits = { maxDepth: DEFAULT_MAX_DEPTH }): DslFile {
  const diagnostics: Diagnostic[] = [];
  const lexed = dslLexer().tokenize(file.text);
  resetBlockScans();
  const comments = (lexed.groups["comments"] ?? []) as IToken[];
  for (const error of lexed.errors) {
    const start = error.offset;
    const text = file.text.slice(start, start + Math.min(error.length, 20));
    diagnostics.push(diagnostic("dsl-unexpected-character", { text }, { file, start, end: start + Math.max(1, error.length) }));
  }
  lexDiagnostics(file, lexed.tokens, diagnostics);
  const tokens = lexed.tokens;
  if (tokens.length === 0) {
    if (diagnostics.length === 0) diagnostics.push(diagnostic("empty-file", {}, { file, start: 0, end: 0 }));
    return { documents: [], comments, tokens, diagnostics };
  }
  // room for the statement levels the DSL adds over the model's own nesting
  if (!checkNesting(file, tokens, limits.maxDepth + 8, diagnostics)) return { documents: [], comments, tokens, diagnostics };

  const parser = dslParser();
  parser.input = tokens;
  const cst = parser.file();
  const misspelt = findMisspeltKeywords(file, tokens, parser.errors, cst as FileCstNode);
  diagnostics.push(...misspelt.diagnostics);
  const seen = new Set<number>();
  reportSyntaxErrors(file, parser.errors, diagnostics, seen, (start) => misspelt.quiet.some((span) => start >= span.start && start < span.end));
  if (misspelt.repaired.length > 0) {
    // Parsed again with the misspelt words read as the keywords they were taken for: an error past
    // a misspelt statement, in the part of the document its recovery hid, is the author's too.
    parser.input = misspelt.repaired;
    parser.file();
    reportSyntaxErrors(file, parser.errors, diagnostics, seen, (start) => !misspelt.quiet.some((span) => start >= span.statementEnd && start < span.end));
  }
  const broken = diagnostics.map((d) => d.location?.start ?? 0);
  const documents: DslDocument[] = [];
  const reporter = reportingRecorder(file, diagnostics);
  for (const node of (cst as FileCstNode).children.document ?? []) {
    const start = node.location?.startOffset ?? 0;
    const endOffset = node.location?.endOffset;
    const end = endOffset !== undefined && Number.isFinite(endOffset) ? endOffset + 1 : file.text.length;
    if (node.recoveredNode === true || broken.some((offset) => offset >= start && offset <= end)) continue;
    documents.push(makeDocument(file, node, reporter));
  }
  parser.input = [];
  if (documents.length === 0 && diagnostics.length === 0) diagnostics.push(diagnostic("empty-file", {}, { file, start: 0, end: 0 }));
  return { documents, comments, tokens, diagnostics };
}

/** The front end registered for `.sync` files. */
export function parseDsl(file: SourceFile, limits: DslLimits = { maxDepth: DEFAULT_MAX_DEPTH }): [ParsedDocument[], Diagnostic[]] {
  const { documents, diagnostics } = readDsl(file, limits);
  return [documents, diagnostics];
}
