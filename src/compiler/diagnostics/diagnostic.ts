/** Diagnostics: a code, a severity, a message and where in which file. */
import { type MessageCode, type MessageParams, messages, type Severity } from "./messages.ts";
import type { SourceFile } from "./source-file.ts";

export type { Severity } from "./messages.ts";

/** A range of a file, by offsets. */
export interface Location {
  file: SourceFile;
  start: number;
  end: number;
}

/** One finding about the specs. */
export interface Diagnostic {
  code: string;
  severity: Severity;
  message: string;
  /** Where, or undefined for a finding about the whole set (such as an empty folder). */
  location: Location | undefined;
  /** The rule's documentation, for lint findings. */
  docs?: string;
  /** A did-you-mean fix: the text that replaces `start`..`end` of the same file. */
  suggestion?: Suggestion;
}

/** A machine-applicable fix: replace the range of the diagnostic's file with `text`. */
export interface Suggestion {
  text: string;
  start: number;
  end: number;
}

/** The parameter that holds the misspelt word, by the names the message table uses. */
const MISSPELT_PARAMS = ["word", "key", "field", "param", "kind", "name"] as const;

/**
 * Where the misspelt word sits inside the diagnostic's range, and what replaces it. Undefined when
 * there is no suggestion or the word is not written there (a message about a computed name).
 */
function suggestionOf(params: object | undefined, location: Location | undefined): Suggestion | undefined {
  const record = (params ?? {}) as Record<string, unknown>;
  const text = record["suggestion"];
  if (typeof text !== "string" || location === undefined) return undefined;
  const written = location.file.text.slice(location.start, location.end);
  for (const param of MISSPELT_PARAMS) {
    const word = record[param];
    if (typeof word !== "string" || word === "") continue;
    const at = written.indexOf(word);
    if (at >= 0) return { text, start: location.start + at, end: location.start + at + word.length };
  }
  return undefined;
}

/** Makes a front-end diagnostic from the table. */
export function diagnostic<C extends MessageCode>(code: C, params: MessageParams<C>, location: Location | undefined): Diagnostic {
  const entry = messages[code];
  const message = (entry.message as (p: MessageParams<C>) => string)(params);
  const suggestion = suggestionOf(params, location);
  return suggestion === undefined ? { code, severity: entry.severity, message, location } : { code, severity: entry.severity, message, location, suggestion };
}

/** Gathers diagnostics from a stage; `hasErrors` tells the program whether to stop. */
export interface DiagnosticCollector {
  readonly diagnostics: readonly Diagnostic[];
  add(d: Diagnostic): void;
  addAll(ds: readonly Diagnostic[]): void;
  hasErrors(): boolean;
}

export function createCollector(): DiagnosticCollector {
  const diagnostics: Diagnostic[] = [];
  return {
    diagnostics,
    add(d) {
      diagnostics.push(d);
    },
    addAll(ds) {
      for (const d of ds) diagnostics.push(d);
    },
    hasErrors() {
      return diagnostics.some((d) => d.severity === "error");
    },
  };
}

/** Sorts diagnostics by file, then position, then code, so output is stable. */
export function sortDiagnostics(ds: readonly Diagnostic[]): Diagnostic[] {
  return [...ds].sort((a, b) => {
    const fa = a.location?.file.path ?? "";
    const fb = b.location?.file.path ?? "";
    if (fa !== fb) return fa < fb ? -1 : 1;
    const sa = a.location?.start ?? 0;
    const sb = b.location?.start ?? 0;
    if (sa !== sb) return sa - sb;
    return a.code < b.code ? -1 : a.code > b.code ? 1 : 0;
  });
}
