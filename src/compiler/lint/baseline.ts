/**
 * Baselines: `spec lint --write-baseline <file>` records today's findings by fingerprint, and
 * `spec lint --baseline <file>` then reports only findings that are not in it.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { diagnostic, type Diagnostic } from "../diagnostics/diagnostic.ts";
import { createSourceFile } from "../diagnostics/source-file.ts";
import type { LintDiagnostic } from "./lint.ts";

/** The baseline file's content. */
export interface BaselineFile {
  version: 1;
  findings: { fingerprint: string; rule: string; target: string; message: string }[];
}

/** The baseline file for a set of findings, in a stable order. */
export function baselineOf(findings: readonly LintDiagnostic[]): BaselineFile {
  const rows = findings
    .filter((f) => f.fingerprint !== undefined)
    .map((f) => ({ fingerprint: f.fingerprint, rule: f.code, target: f.target, message: f.message }))
    .sort((a, b) => (a.fingerprint < b.fingerprint ? -1 : a.fingerprint > b.fingerprint ? 1 : 0));
  return { version: 1, findings: rows };
}

/** Writes a baseline file. */
export function writeBaseline(path: string, findings: readonly LintDiagnostic[]): void {
  writeFileSync(path, `${JSON.stringify(baselineOf(findings), null, 2)}\n`);
}

/** Reads a baseline file's fingerprints; a missing or malformed file is a diagnostic. */
export function readBaseline(path: string): [Set<string>, Diagnostic[]] {
  const fail = (detail: string): [Set<string>, Diagnostic[]] => [
    new Set(),
    [diagnostic("invalid-baseline", { detail }, { file: createSourceFile(path, ""), start: 0, end: 0 })],
  ];
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    return fail((error as NodeJS.ErrnoException).code ?? String(error));
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return fail(`not JSON (${(error as Error).message})`);
  }
  const findings = (parsed as Partial<BaselineFile> | null)?.findings;
  if ((parsed as Partial<BaselineFile> | null)?.version !== 1 || !Array.isArray(findings)) return fail("expected { version: 1, findings: [...] }");
  return [new Set(findings.map((f) => String((f as { fingerprint?: unknown }).fingerprint))), []];
}
