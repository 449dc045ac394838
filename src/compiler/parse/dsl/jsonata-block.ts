/**
 * JSONata blocks in the DSL: `{{ ... }}` (braces inside may nest) and fenced ```` ``` ... ``` ````.
 * The lexer asks `scanBraceBlock` where a block ends; the visitor asks `blockContent` for the
 * string the block stands for and how its offsets map back to the file. The printer writes
 * blocks with `printBlock`, the exact inverse of `blockContent`.
 */

/** Why a block could not be closed, and where. */
export interface BlockProblem {
  kind: "unterminated" | "unclosed-brace" | "unclosed-string" | "stray-brace" | "swallowed-close";
  /** File offset the problem is about (the open brace, the string's quote, the stray brace). */
  at: number;
  /** For `swallowed-close`: the `}}` whose first brace closed an inner `{` instead of the block. */
  close?: number;
}

/** Where a `{{` block ends (the offset after its `}}`), and what is wrong with it. */
export interface BlockScan {
  end: number;
  problem: BlockProblem | undefined;
}

let lastText = "";
let lastMemo = new Map<number, BlockScan>();

/**
 * Scans a `{{` block at `offset`. Braces count only outside JSONata strings ("...", '...',
 * `...`) and comments; the block ends at `}}` when every inner brace is closed. A stray `}` is
 * noted and skipped; a block that never closes runs to the end of the text.
 */
export function scanBraceBlock(text: string, offset: number): BlockScan {
  if (text !== lastText) {
    lastText = text;
    lastMemo = new Map();
  }
  const cached = lastMemo.get(offset);
  if (cached !== undefined) return cached;
  const result = scan(text, offset);
  lastMemo.set(offset, result);
  return result;
}

function scan(text: string, offset: number): BlockScan {
  const opens: number[] = [];
  let problem: BlockProblem | undefined;
  let swallowed: BlockProblem | undefined;
  let i = offset + 2;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 34 || c === 39 || c === 96) {
      // a JSONata string or backquoted name: skip to its closing quote
      const start = i;
      i++;
      while (i < n && text.charCodeAt(i) !== c) i += text.charCodeAt(i) === 92 && c !== 96 ? 2 : 1;
      if (i >= n) return { end: n, problem: { kind: "unclosed-string", at: start } };
      i++;
    } else if (c === 47 && text.charCodeAt(i + 1) === 42) {
      const close = text.indexOf("*/", i + 2);
      if (close < 0) return { end: n, problem: { kind: "unterminated", at: offset } };
      i = close + 2;
    } else if (c === 123) {
      opens.push(i);
      i++;
    } else if (c === 125) {
      if (opens.length === 1 && text.charCodeAt(i + 1) === 125) swallowed ??= { kind: "swallowed-close", at: opens[0]!, close: i };
      if (opens.length > 0) opens.pop();
      else if (text.charCodeAt(i + 1) === 125) return { end: i + 2, problem };
      else problem ??= { kind: "stray-brace", at: i };
      i++;
    } else i++;
  }
  if (swallowed !== undefined) return { end: n, problem: swallowed };
  const unclosed = opens[0];
  return { end: n, problem: unclosed === undefined ? { kind: "unterminated", at: offset } : { kind: "unclosed-brace", at: unclosed } };
}

/** Forgets cached scans (the lexer calls it per file so memory does not outlive a parse). */
export function resetBlockScans(): void {
  lastText = "";
  lastMemo = new Map();
}

/** A block's string and the map from offsets in it to offsets in the file. */
export interface BlockContent {
  text: string;
  /** File offset of each character of `text` (and one past the end). */
  offsetOf(offsetInText: number): number;
}

interface Segment {
  textStart: number;
  fileStart: number;
}

function segmentMapper(segments: Segment[], fallback: number): (o: number) => number {
  return (o) => {
    let low = 0;
    let high = segments.length - 1;
    if (high < 0) return fallback;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((segments[mid]?.textStart ?? 0) <= o) low = mid;
      else high = mid - 1;
    }
    const s = segments[low]!;
    return s.fileStart + (o - s.textStart);
  };
}

/**
 * The string a block stands for. `image` is the whole token (delimiters included) starting at
 * file offset `start`; `open` and `close` are the delimiters (`{{`/`}}` or three backquotes).
 *
 * One-line blocks: one space after the opening and before the closing delimiter is layout.
 * Multi-line blocks (a line break right after the opening delimiter): the lines in between,
 * each without the closing line's indentation plus two spaces, each ending in a line break.
 */
export function blockContent(image: string, start: number, open: string, close: string): BlockContent {
  const inner = image.slice(open.length, image.length - close.length);
  const innerStart = start + open.length;
  const firstBreak = inner.search(/\r?\n/);
  if (firstBreak >= 0 && inner.slice(0, firstBreak).trim() === "") {
    const lastBreak = inner.lastIndexOf("\n");
    const closingIndent = inner.slice(lastBreak + 1);
    const strip = /^[ \t]*$/.test(closingIndent) ? closingIndent.length + 2 : 2;
    const bodyStart = firstBreak + (inner[firstBreak] === "\r" ? 2 : 1);
    const body = lastBreak >= bodyStart ? inner.slice(bodyStart, lastBreak + 1) : "";
    const segments: Segment[] = [];
    let text = "";
    let cursor = 0;
    while (cursor < body.length) {
      let lineEnd = body.indexOf("\n", cursor);
      if (lineEnd < 0) lineEnd = body.length;
      let line = body.slice(cursor, lineEnd);
      if (line.endsWith("\r")) line = line.slice(0, -1);
      let cut = 0;
      while (cut < strip && line.charCodeAt(cut) === 32) cut++;
      segments.push({ textStart: text.length, fileStart: innerStart + bodyStart + cursor + cut });
      text += line.slice(cut) + "\n";
      cursor = lineEnd + 1;
    }
    return { text, offsetOf: segmentMapper(segments, innerStart) };
  }
  let from = 0;
  let to = inner.length;
  if (inner.startsWith(" ")) from = 1;
  if (to > from && inner.endsWith(" ")) to--;
  const text = inner.slice(from, to);
  return { text, offsetOf: (o) => innerStart + from + o };
}

/** Whether `text` can be written as a block with these delimiters and read back unchanged. */
function roundTrips(text: string, printed: string, open: string, close: string): boolean {
  if (open === "{{") {
    const scan = scanBraceBlock(printed, 0);
    if (scan.end !== printed.length || scan.problem !== undefined) return false;
  } else if (printed.indexOf(close, open.length) !== printed.length - close.length) return false;
  return blockContent(printed, 0, open, close).text === text;
}

/**
 * Writes `text` as a block at `indent` (the indentation of the line the block starts on), or
 * returns undefined when no block form reads back as the same string.
 */
export function printBlock(text: string, indent: string): string | undefined {
  for (const [open, close] of [
    ["{{", "}}"],
    ["```", "```"],
  ] as const) {
    let printed: string;
    if (text.includes("\n")) {
      if (!text.endsWith("\n") || text.includes("\r")) return undefined;
      const lines = text.slice(0, -1).split("\n");
      const body = lines.map((l) => (l === "" ? "" : `${indent}  ${l}`)).join("\n");
      printed = `${open}\n${body}\n${indent}${close}`;
    } else printed = `${open} ${text} ${close}`;
    if (roundTrips(text, printed, open, close)) return printed;
  }
  return undefined;
}
