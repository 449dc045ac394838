/**
 * JUnit XML, which CI runners (GitHub Actions reporters, GitLab, Jenkins, Azure) load: one
 * test suite per file, one failing test case per finding, and a passing case for a clean file.
 */
import { capDiagnostics } from "../cap.ts";
import type { Diagnostic } from "../diagnostic.ts";
import { lineAndColumn } from "../source-file.ts";
import { displayPath } from "./stylish.ts";

/** Options of the JUnit printer. */
export interface JunitOptions {
  /** Paths are printed relative to this folder. */
  cwd: string;
  /** Every file checked, so clean files show as passing suites. */
  files?: readonly string[];
  /** The name of the whole run. */
  name?: string;
}

/** Escapes text for an XML attribute or element; drops characters XML 1.0 cannot hold. */
export function xmlEscape(text: string): string {
  return text
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

/** Formats diagnostics as JUnit XML, at most 200 per file and 1,000 in all. */
export function formatJunit(diagnostics: readonly Diagnostic[], options: JunitOptions): string {
  const byFile = new Map<string, Diagnostic[]>();
  for (const f of options.files ?? []) byFile.set(displayPath(f, options.cwd), []);
  for (const d of capDiagnostics(diagnostics).shown) {
    const file = d.location === undefined ? "(spec set)" : displayPath(d.location.file.path, options.cwd);
    const found = byFile.get(file);
    if (found === undefined) byFile.set(file, [d]);
    else found.push(d);
  }
  const suites: string[] = [];
  let failures = 0;
  let tests = 0;
  for (const [file, found] of [...byFile].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const cases =
      found.length === 0
        ? [`    <testcase classname="${xmlEscape(file)}" name="no findings" time="0"/>`]
        : found.map((d) => {
            const at = d.location === undefined ? undefined : lineAndColumn(d.location.file, d.location.start);
            const where = at === undefined ? file : `${file}:${at.line}:${at.column}`;
            const text = `${where} ${d.severity} ${d.code}: ${d.message}`;
            return [
              `    <testcase classname="${xmlEscape(file)}" name="${xmlEscape(`${d.code}${at === undefined ? "" : ` at ${at.line}:${at.column}`}`)}" time="0">`,
              `      <failure message="${xmlEscape(d.message)}" type="${d.severity}">${xmlEscape(text)}</failure>`,
              "    </testcase>",
            ].join("\n");
          });
    tests += Math.max(1, found.length);
    failures += found.length;
    suites.push(
      `  <testsuite name="${xmlEscape(file)}" tests="${Math.max(1, found.length)}" failures="${found.length}" errors="0" skipped="0" time="0">\n${cases.join("\n")}\n  </testsuite>`,
    );
  }
  const name = xmlEscape(options.name ?? "spec lint");
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="${name}" tests="${tests}" failures="${failures}" errors="0" time="0">\n${suites.join("\n")}${suites.length > 0 ? "\n" : ""}</testsuites>\n`;
}
