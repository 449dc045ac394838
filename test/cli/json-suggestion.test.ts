/**
 * `--format json` diagnostics carry a machine-readable did-you-mean fix: the text and the exact
 * range it replaces. Applying every suggestion to misspelt specs makes them valid again.
 */
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../../src/testing/spec-fixtures.ts";
import { copyProject } from "../lsp/lsp-client.ts";

interface JsonSuggestion {
  text: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

const TYPOS: [string, string, string][] = [
  ["specs/routes/opportunity-to-project.yaml", "map: psa-project-to-project", "map: psa-project-to-projct"],
  ["specs/mappings/psa-project-to-project.yaml", '"clientId": contactId', '"clientId": contactIx'],
  ["specs/entities/contract.yaml", "  lifecycle:", "  lifecycel:"],
  ["specs/routes/time-to-revenue.sync", "  retry 10 times", "  retyr 10 times"],
];

function applySuggestion(text: string, s: JsonSuggestion): string {
  const lines = text.split("\n");
  const offset = (line: number, column: number) => lines.slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0) + column - 1;
  return text.slice(0, offset(s.line, s.column)) + s.text + text.slice(offset(s.endLine, s.endColumn));
}

describe("did-you-mean suggestions in --format json", () => {
  it("are printed by spec validate with the replacement and its range, and fix the specs when applied", async () => {
    const root = copyProject();
    try {
      for (const [file, from, to] of TYPOS) {
        const text = readFileSync(join(root, file), "utf8");
        expect(text).toContain(from);
        writeFileSync(join(root, file), text.replace(from, to));
      }
      const result = await runCli(["validate", "--format", "json"], root);
      expect(result.code).toBe(1);
      const diagnostics = JSON.parse(result.stdout).diagnostics as { file: string; code: string; line: number; suggestion?: JsonSuggestion }[];
      const suggested = diagnostics.filter((d) => d.suggestion !== undefined);
      expect(suggested.map((d) => [d.file, d.code, d.suggestion?.text])).toEqual([
        ["specs/entities/contract.yaml", "unknown-key", "lifecycle"],
        ["specs/mappings/psa-project-to-project.yaml", "mapping-unknown-path", "contactId"],
        ["specs/routes/opportunity-to-project.yaml", "unknown-reference", "psa-project-to-project"],
        ["specs/routes/time-to-revenue.sync", "dsl-unknown-keyword", "retry"],
      ]);
      const mapping = suggested[1];
      expect(mapping?.suggestion).toEqual({ text: "contactId", line: mapping?.line, column: 19, endLine: mapping?.line, endColumn: 28 });
      for (const d of suggested) {
        const path = join(root, d.file);
        writeFileSync(path, applySuggestion(readFileSync(path, "utf8"), d.suggestion as JsonSuggestion));
      }
      const after = await runCli(["validate", "--format", "json"], root);
      expect(JSON.parse(after.stdout).diagnostics).toEqual([]);
      expect(after.code).toBe(0);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }, 60_000);

  it("leaves diagnostics without a suggestion as they were", async () => {
    const root = copyProject();
    try {
      const file = join(root, "specs/entities/contract.yaml");
      writeFileSync(file, readFileSync(file, "utf8").replace("  identity: [contractId]\n", ""));
      const result = await runCli(["validate", "--format", "json"], root);
      const [first] = JSON.parse(result.stdout).diagnostics as Record<string, unknown>[];
      expect(Object.keys(first ?? {})).toEqual(["file", "line", "column", "endLine", "endColumn", "severity", "code", "message"]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }, 60_000);
});

describe("spec lsp", () => {
  it("speaks over standard input and output only: without --stdio it is a usage error", async () => {
    const result = await runCli(["lsp"], process.cwd());
    expect(result.code).toBe(2);
    expect(result.stderr).toBe("spec lsp: the language server speaks over standard input and output only: pass --stdio\nusage: spec lsp --stdio\nRun 'spec help lsp' for the options.\n");
  });
});
