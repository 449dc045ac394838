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
}

/** Makes a front-end diagnostic from the table. */
export function diagnostic<C extends MessageCode>(code: C, params: MessageParams<C>, location: Location | undefined): Diagnostic {
  const entry = messages[code];
  const message = (entry.message as (p: MessageParams<C>) => string)(params);
  return { code, severity: entry.severity, message, location };
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
