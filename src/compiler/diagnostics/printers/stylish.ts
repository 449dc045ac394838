/**
 * The human format, after tsc: `file:line:col - error code: message`, then the line with the
 * range underlined. Colour only when asked (the CLI asks on a terminal without NO_COLOR).
 */
import { capDiagnostics, omittedLine } from "../cap.ts";
import type { Diagnostic } from "../diagnostic.ts";
import { lineAndColumn, lineText } from "../source-file.ts";

export interface StylishOptions {
  color: boolean;
  /** Paths are printed relative to this folder. */
  cwd: string;
}

const ansi = { red: "\x1b[31m", yellow: "\x1b[33m", cyan: "\x1b[36m", grey: "\x1b[90m", reset: "\x1b[0m" } as const;
const MAX_FRAME_WIDTH = 160;

function paint(color: boolean, code: keyof typeof ansi, text: string): string {
  return color ? `${ansi[code]}${text}${ansi.reset}` : text;
}

function severityColor(severity: Diagnostic["severity"]): keyof typeof ansi {
  return severity === "error" ? "red" : severity === "warn" ? "yellow" : "cyan";
}

/** Renders a path relative to cwd when it lies below it. */
export function displayPath(path: string, cwd: string): string {
  const prefix = cwd.endsWith("/") ? cwd : `${cwd}/`;
  return path.startsWith(prefix) ? path.slice(prefix.length) : path;
}

/** A code frame: the diagnostic's first line, clipped around the range if it is very long. */
function codeFrame(d: Diagnostic, color: boolean): string[] {
  const location = d.location;
  if (location === undefined || location.file.text.length === 0) return [];
  const start = lineAndColumn(location.file, location.start);
  const end = lineAndColumn(location.file, Math.max(location.start, location.end));
  let text = lineText(location.file, start.line);
  let column = start.column;
  let width = end.line === start.line ? Math.max(1, end.column - start.column) : Math.max(1, text.length - column + 1);
  if (text.length > MAX_FRAME_WIDTH) {
    const from = Math.max(0, column - 1 - 40);
    text = `…${text.slice(from, from + MAX_FRAME_WIDTH)}…`;
    column = column - from + 1;
    width = Math.min(width, MAX_FRAME_WIDTH - (column - 2));
  }
  const gutter = String(start.line);
  const pad = " ".repeat(gutter.length);
  return [
    "",
    `${paint(color, "grey", gutter)} ${text.replace(/\t/g, " ")}`,
    `${pad} ${" ".repeat(column - 1)}${paint(color, severityColor(d.severity), "~".repeat(width))}`,
    "",
  ];
}

/** Formats one diagnostic's heading line. */
export function heading(d: Diagnostic, options: StylishOptions): string {
  const label = paint(options.color, severityColor(d.severity), d.severity === "warn" ? "warning" : d.severity);
  const code = paint(options.color, "grey", d.code);
  if (d.location === undefined) return `${label} ${code}: ${d.message}`;
  const { line, column } = lineAndColumn(d.location.file, d.location.start);
  const where = paint(options.color, "cyan", `${displayPath(d.location.file.path, options.cwd)}:${line}:${column}`);
  return `${where} - ${label} ${code}: ${d.message}`;
}

/** Formats diagnostics (at most 200 per file, 1,000 in all) followed by a summary line counting every one. */
export function formatStylish(diagnostics: readonly Diagnostic[], options: StylishOptions): string {
  const lines: string[] = [];
  const { shown, totals } = capDiagnostics(diagnostics);
  for (const d of shown) {
    lines.push(heading(d, options), ...codeFrame(d, options.color));
    if (d.location === undefined) lines.push("");
  }
  const omitted = omittedLine(totals);
  if (omitted !== undefined) lines.push(omitted, "");
  if (diagnostics.length > 0) {
    const files = new Set(diagnostics.map((d) => d.location?.file.path ?? "")).size;
    const parts = [`${totals.error} error${totals.error === 1 ? "" : "s"}`, `${totals.warn} warning${totals.warn === 1 ? "" : "s"}`];
    if (totals.info + totals.hint > 0) parts.push(`${totals.info + totals.hint} info`);
    lines.push(`Found ${parts.join(", ")} in ${files} file${files === 1 ? "" : "s"}.`);
  }
  return lines.length === 0 ? "" : `${lines.join("\n")}\n`;
}
