/**
 * `spec fmt` for DSL files: read, then print each document in the canonical layout with its
 * comments put back. A comment belongs to a statement: the one it ends the line of (trailing),
 * the block whose closing brace it precedes (dangling), or else the next statement (leading).
 * A comment that matches nothing is printed after its document, so none is ever lost.
 */
import type { IToken } from "chevrotain";
import type { Diagnostic } from "../../diagnostics/diagnostic.ts";
import type { SourceFile } from "../../diagnostics/source-file.ts";
import type { PathSegment } from "../document.ts";
import { DEFAULT_MAX_DEPTH } from "../yaml/parse-yaml.ts";
import { type DslDocument, type DslFile, keyWithin, pathKey, readDsl } from "./parse-dsl.ts";
import { type CommentSource, printDocument } from "./printer.ts";

interface Slots {
  leading: Map<string, string[]>;
  trailing: Map<string, string>;
  dangling: Map<string, string[]>;
}

function newSlots(): Slots {
  return { leading: new Map(), trailing: new Map(), dangling: new Map() };
}

function push(map: Map<string, string[]>, key: string, text: string): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [text]);
  else list.push(text);
}

/** The index of the first token starting at or after `offset`. */
function firstAtOrAfter(tokens: readonly IToken[], offset: number): number {
  let low = 0;
  let high = tokens.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if ((tokens[mid]?.startOffset ?? 0) < offset) low = mid + 1;
    else high = mid;
  }
  return low;
}

function attach(file: SourceFile, read: DslFile): { perDocument: Slots[]; before: string[]; after: string[] } {
  const perDocument = read.documents.map(newSlots);
  const before: string[] = [];
  const after: string[] = [];
  const text = file.text;
  const indexes = read.documents.map((doc) => {
    const starts = new Map<number, { key: string; end: number }>();
    const ends = new Map<number, { key: string; start: number }>();
    for (const [key, span] of doc.layout().statements) {
      const s = starts.get(span.start);
      if (s === undefined || span.end > s.end) starts.set(span.start, { key, end: span.end });
      const e = ends.get(span.end);
      if (e === undefined || span.start > e.start) ends.set(span.end, { key, start: span.start });
    }
    const sortedStarts = [...starts.entries()].sort((a, b) => a[0] - b[0]);
    return { starts, ends, sortedStarts };
  });
  for (const comment of read.comments) {
    const content = comment.image.trimEnd();
    const start = comment.startOffset;
    const end = start + comment.image.length;
    const i = firstAtOrAfter(read.tokens, start);
    const next = read.tokens[i];
    const previous = read.tokens[i - 1];
    const d = read.documents.findIndex((doc) => doc.span.start <= start && start < doc.span.end);
    const sameLine = previous !== undefined && !/[\n\r]/.test(text.slice((previous.endOffset ?? 0) + 1, start));
    if (d < 0) {
      const prevDoc = read.documents.findIndex((doc) => previous !== undefined && doc.span.end === (previous.endOffset ?? 0) + 1);
      if (sameLine && prevDoc >= 0 && !perDocument[prevDoc]!.trailing.has(pathKey([]))) {
        perDocument[prevDoc]!.trailing.set(pathKey([]), content);
        continue;
      }
      const nextDoc = read.documents.findIndex((doc) => doc.span.start >= end);
      if (nextDoc >= 0) push(perDocument[nextDoc]!.leading, pathKey([]), content);
      else if (read.documents.length === 0) before.push(content);
      else after.push(content);
      continue;
    }
    const doc: DslDocument = read.documents[d]!;
    const slots = perDocument[d]!;
    const index = indexes[d]!;
    if (sameLine && previous !== undefined) {
      const owner = index.ends.get((previous.endOffset ?? 0) + 1);
      if (owner !== undefined && !slots.trailing.has(owner.key)) {
        slots.trailing.set(owner.key, content);
        continue;
      }
    }
    const closing = next === undefined ? undefined : doc.layout().blockEnds.get(next.startOffset);
    if (closing !== undefined) {
      push(slots.dangling, closing, content);
      continue;
    }
    const following = index.sortedStarts.find(([s]) => s >= end);
    if (following !== undefined && following[0] < doc.span.end) push(slots.leading, following[1].key, content);
    else push(slots.dangling, pathKey([]), content);
  }
  return { perDocument, before, after };
}

function commentSource(slots: Slots): CommentSource & { unused(): string[] } {
  const used = new Set<string>();
  const all = [...slots.leading.keys(), ...slots.trailing.keys(), ...slots.dangling.keys()];
  return {
    leading(path) {
      const key = pathKey(path);
      if (used.has(`l${key}`)) return [];
      used.add(`l${key}`);
      return slots.leading.get(key) ?? [];
    },
    trailing(path) {
      const key = pathKey(path);
      if (used.has(`t${key}`)) return undefined;
      used.add(`t${key}`);
      return slots.trailing.get(key);
    },
    dangling(path) {
      const key = pathKey(path);
      if (used.has(`d${key}`)) return [];
      used.add(`d${key}`);
      return slots.dangling.get(key) ?? [];
    },
    within(path: readonly PathSegment[]) {
      const key = pathKey(path);
      return all.some((k) => keyWithin(k, key));
    },
    unused() {
      const out: string[] = [];
      for (const [key, list] of slots.leading) if (!used.has(`l${key}`)) out.push(...list);
      for (const [key, c] of slots.trailing) if (!used.has(`t${key}`)) out.push(c);
      for (const [key, list] of slots.dangling) if (!used.has(`d${key}`)) out.push(...list);
      return out;
    },
  };
}

/**
 * Formats a DSL file. Returns the canonical text, or undefined with the diagnostics when the
 * file does not read cleanly (a file with errors is never rewritten).
 */
export function formatDsl(file: SourceFile, maxDepth = DEFAULT_MAX_DEPTH): [string | undefined, Diagnostic[]] {
  const read = readDsl(file, { maxDepth });
  if (read.diagnostics.some((d) => d.severity === "error")) return [undefined, read.diagnostics];
  const { perDocument, before, after } = attach(file, read);
  const parts: string[] = [];
  if (before.length > 0) parts.push(before.join("\n"));
  read.documents.forEach((doc, i) => {
    const source = commentSource(perDocument[i]!);
    let printed = printDocument(doc.value, source);
    const unused = source.unused();
    if (unused.length > 0) printed += `\n${unused.join("\n")}`;
    parts.push(printed);
  });
  if (after.length > 0) parts.push(after.join("\n"));
  return [`${parts.join("\n\n")}\n`, read.diagnostics];
}
