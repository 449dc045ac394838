/**
 * Between the compiler's offsets and the protocol's positions. Both count UTF-16 code units, so a
 * position is a line start from the file's line table plus a column.
 */
import { fileURLToPath, pathToFileURL } from "node:url";
import type { Position, Range } from "vscode-languageserver";
import { lineAndColumn, type SourceFile } from "../compiler/diagnostics/source-file.ts";

/** The protocol position of an offset of `file`. */
export function positionAt(file: SourceFile, offset: number): Position {
  const { line, column } = lineAndColumn(file, Math.max(0, Math.min(offset, file.text.length)));
  return { line: line - 1, character: column - 1 };
}

/** The offset of a protocol position in `file`, clamped to the line and the file. */
export function offsetAt(file: SourceFile, position: Position): number {
  const starts = file.lineStarts();
  if (position.line >= starts.length) return file.text.length;
  const start = starts[Math.max(0, position.line)] ?? 0;
  const next = starts[position.line + 1] ?? file.text.length;
  return Math.min(start + Math.max(0, position.character), next);
}

/** The protocol range of an offset range. */
export function rangeOf(file: SourceFile, start: number, end: number): Range {
  return { start: positionAt(file, start), end: positionAt(file, end) };
}

/** A file path as a `file:` URI. */
export function uriOf(path: string): string {
  return pathToFileURL(path).href;
}

/** The file path of a `file:` URI, or undefined for other schemes (an untitled buffer). */
export function pathOf(uri: string): string | undefined {
  if (!uri.startsWith("file:")) return undefined;
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}
