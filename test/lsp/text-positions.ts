/** Finding protocol positions in spec text for the tests. */
import type { Position, Range, TextEdit } from "vscode-languageserver";

/** The position `after` characters into the first occurrence of `needle` (after `from`, when given). */
export function positionOf(text: string, needle: string, after = 0, from?: string): Position {
  const base = from === undefined ? 0 : text.indexOf(from);
  const at = text.indexOf(needle, Math.max(0, base));
  if (at < 0 || base < 0) throw new Error(`'${needle}' not in the text`);
  const offset = at + after;
  const before = text.slice(0, offset);
  const line = before.split("\n").length - 1;
  return { line, character: offset - (before.lastIndexOf("\n") + 1) };
}

/** The range of the first occurrence of `needle`. */
export function rangeOfText(text: string, needle: string, from?: string): Range {
  const start = positionOf(text, needle, 0, from);
  return { start, end: { line: start.line, character: start.character + needle.length } };
}

function offsetOf(text: string, position: Position): number {
  const lines = text.split("\n");
  let offset = 0;
  for (let i = 0; i < position.line; i++) offset += (lines[i]?.length ?? 0) + 1;
  return offset + position.character;
}

/** Applies edits (non-overlapping) to a text. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => offsetOf(text, b.range.start) - offsetOf(text, a.range.start));
  let out = text;
  for (const edit of sorted) out = out.slice(0, offsetOf(out, edit.range.start)) + edit.newText + out.slice(offsetOf(out, edit.range.end));
  return out;
}
