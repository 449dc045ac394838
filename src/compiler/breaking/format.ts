/** Printing a breaking-change report: for people (one line per change, then a verdict) and as JSON. */
import { lineAndColumn } from "../diagnostics/source-file.ts";
import { displayPath } from "../diagnostics/printers/stylish.ts";
import type { BreakingReport, JudgedChange } from "./breaking.ts";
import { nextBreakingVersion } from "./versions.ts";

function where(change: JudgedChange, cwd: string): { file: string | null; line: number | null; column: number | null } {
  if (change.location === undefined) return { file: null, line: null, column: null };
  const { line, column } = lineAndColumn(change.location.file, change.location.start);
  return { file: displayPath(change.location.file.path, cwd), line, column };
}

function verdict(change: JudgedChange): string {
  if (!change.breaking) return change.breaks.length === 0 ? "compatible" : "outside the level";
  if (!change.violation) return "breaking, allowed by the version";
  return "breaking";
}

function needs(change: JudgedChange): string {
  if (!change.violation) return "";
  if (change.class === "document-removed" || change.class === "entity-removed") {
    return `; mark ${change.kind} ${change.name} deprecated in a release before removing it`;
  }
  const next = nextBreakingVersion(change.previousVersion);
  const bump = next?.startsWith("0.") === true ? `a breaking version bump (${next} or later: a 0.x version breaks at its minor number)` : "a new major version";
  return `; ${change.kind} ${change.name} needs ${bump} (was ${change.previousVersion ?? "none"}, is ${change.currentVersion ?? "none"})`;
}

/** One line per change, then a summary. */
export function formatBreakingText(report: BreakingReport, cwd: string, against: string): string {
  const lines = report.changes.map((c) => {
    const at = where(c, cwd);
    const prefix = at.file === null ? "" : `${at.file}:${at.line}:${at.column} - `;
    const breaks = c.breaks.length === 0 ? "breaks no one" : `breaks ${c.breaks.join(", ")}`;
    return `${prefix}${verdict(c)} ${c.class}: ${c.message} (${breaks})${needs(c)}`;
  });
  const breaking = report.changes.filter((c) => c.breaking).length;
  lines.push(
    `${report.changes.length} change${report.changes.length === 1 ? "" : "s"} against ${against} at level ${report.level}: ${breaking} breaking, ${report.violations} without a breaking version bump.`,
  );
  return `${lines.join("\n")}\n`;
}

/** The report as JSON, with one-based positions. */
export function formatBreakingJson(report: BreakingReport, cwd: string, against: string): string {
  const changes = report.changes.map((c) => ({
    ...where(c, cwd),
    class: c.class,
    breaks: c.breaks,
    breaking: c.breaking,
    violation: c.violation,
    document: `${c.kind}/${c.name}`,
    previousVersion: c.previousVersion ?? null,
    currentVersion: c.currentVersion ?? null,
    message: c.message,
  }));
  const summary = { changes: changes.length, breaking: changes.filter((c) => c.breaking).length, violations: report.violations };
  return `${JSON.stringify({ against, level: report.level, changes, violations: report.violations, summary }, null, 2)}\n`;
}
