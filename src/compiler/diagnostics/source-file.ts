/**
 * A spec file's text and the line table computed once from it. Diagnostics carry offsets;
 * lines, columns and code frames are computed from this only when printing.
 */

/** One loaded file: its path as the user should see it and its decoded text. */
export interface SourceFile {
  readonly path: string;
  readonly text: string;
  /** Offsets at which each line starts; computed on first use. */
  lineStarts(): readonly number[];
}

/** A one-based line and column. */
export interface LineAndColumn {
  line: number;
  column: number;
}

/** Makes a SourceFile. */
export function createSourceFile(path: string, text: string): SourceFile {
  let starts: number[] | undefined;
  return {
    path,
    text,
    lineStarts() {
      if (starts === undefined) {
        starts = [0];
        for (let i = 0; i < text.length; i++) {
          const c = text.charCodeAt(i);
          if (c === 10) starts.push(i + 1);
          else if (c === 13) {
            if (text.charCodeAt(i + 1) === 10) i++;
            starts.push(i + 1);
          }
        }
      }
      return starts;
    },
  };
}

/** The one-based line and column of an offset. */
export function lineAndColumn(file: SourceFile, offset: number): LineAndColumn {
  const starts = file.lineStarts();
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if ((starts[mid] ?? 0) <= offset) low = mid;
    else high = mid - 1;
  }
  return { line: low + 1, column: offset - (starts[low] ?? 0) + 1 };
}

/** The text of a one-based line without its line break. */
export function lineText(file: SourceFile, line: number): string {
  const starts = file.lineStarts();
  const start = starts[line - 1];
  if (start === undefined) return "";
  const next = starts[line];
  return file.text.slice(start, next === undefined ? file.text.length : next).replace(/\r?\n$|\r$/, "");
}
