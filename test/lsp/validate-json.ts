/** What the command line reports on a project, shaped as the protocol's diagnostics, to compare with what the server publishes. */
import { execFileSync } from "node:child_process";
import { resolve } from "node:path";
import type { Diagnostic } from "vscode-languageserver";

const SPEC = resolve(import.meta.dirname, "../../bin/spec.mjs");

/** `spec <command> --format json` in `root` (validate by default), as protocol-shaped diagnostics by file. */
export function validateJson(root: string, command = "validate"): Map<string, { range: Diagnostic["range"]; code: string; message: string }[]> {
  let out: string;
  try {
    out = execFileSync(process.execPath, [SPEC, command, "--format", "json"], { cwd: root, encoding: "utf8" });
  } catch (error) {
    out = (error as { stdout: string }).stdout;
  }
  const byFile = new Map<string, { range: Diagnostic["range"]; code: string; message: string }[]>();
  for (const d of JSON.parse(out).diagnostics as { file: string; line: number; column: number; endLine: number; endColumn: number; code: string; message: string }[]) {
    const list = byFile.get(d.file) ?? [];
    list.push({ range: { start: { line: d.line - 1, character: d.column - 1 }, end: { line: d.endLine - 1, character: d.endColumn - 1 } }, code: d.code, message: d.message });
    byFile.set(d.file, list);
  }
  return byFile;
}
