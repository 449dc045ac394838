/**
 * The language server driven over stdio by a real protocol client (vscode-jsonrpc) on a copy of
 * specs/: open, change, completion, hover, definition, references, rename and formatting, with
 * exact results; diagnostics compared with `spec validate --format json` on the same files.
 */
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { CodeAction, CompletionItem, Diagnostic, DocumentSymbol, Hover, Location, TextEdit, WorkspaceEdit } from "vscode-languageserver";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { copyProject, startClient, type TestClient } from "./lsp-client.ts";
import { applyEdits, positionOf, rangeOfText } from "./text-positions.ts";

const SPEC = resolve(import.meta.dirname, "../../bin/spec.mjs");
const MAPPING = "specs/mappings/psa-project-to-project.yaml";
const CONTRACT = "specs/entities/contract.yaml";

const labels = (items: CompletionItem[] | null) => (items ?? []).map((i) => i.label).sort();

/** `spec validate --format json` in `root`, as protocol-shaped diagnostics by file. */
function validateJson(root: string): Map<string, { range: Diagnostic["range"]; code: string; message: string }[]> {
  let out: string;
  try {
    out = execFileSync(process.execPath, [SPEC, "validate", "--format", "json"], { cwd: root, encoding: "utf8" });
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

describe("spec lsp --stdio", () => {
  let client: TestClient;
  let mapping: string;

  beforeAll(async () => {
    client = await startClient(copyProject());
    const first = client.nextDiagnostics(client.uri(MAPPING));
    mapping = await client.open(MAPPING);
    await first;
  }, 60_000);
  afterAll(async () => client?.stop());

  it("publishes no diagnostics for the clean example, then the same diagnostic as spec validate after an edit", async () => {
    expect(client.diagnostics(client.uri(MAPPING))).toEqual([]);
    const broken = mapping.replace('"clientId": contactId', '"clientId": contactIx');
    const next = client.nextDiagnostics(client.uri(MAPPING), (d) => d.length > 0);
    await client.change(MAPPING, 2, broken);
    const range = rangeOfText(broken, "contactIx");
    expect(await next).toEqual([
      {
        range,
        severity: 1,
        code: "mapping-unknown-path",
        source: "syncspec",
        message: "the mapping reads 'contactIx', but 'contactIx' is not a field of psa schema Project; did you mean 'contactId'?",
        data: { suggestion: { text: "contactId", range } },
      },
    ]);
    writeFileSync(join(client.root, MAPPING), broken);
    const cli = validateJson(client.root).get(MAPPING);
    writeFileSync(join(client.root, MAPPING), mapping);
    expect(cli).toEqual([{ range, code: "mapping-unknown-path", message: (await next)[0]?.message }]);

    const actions = await client.request<CodeAction[]>("textDocument/codeAction", {
      textDocument: { uri: client.uri(MAPPING) },
      range,
      context: { diagnostics: client.diagnostics(client.uri(MAPPING)) },
    });
    expect(actions.map((a) => [a.title, a.edit])).toEqual([["Change to 'contactId'", { changes: { [client.uri(MAPPING)]: [{ range, newText: "contactId" }] } }]]);
    const fixed = applyEdits(broken, actions[0]?.edit?.changes?.[client.uri(MAPPING)] ?? []);
    expect(fixed).toBe(mapping);
    const clean = client.nextDiagnostics(client.uri(MAPPING), (d) => d.length === 0);
    await client.change(MAPPING, 3, fixed);
    expect(await clean).toEqual([]);
  });

  it("reports a cross-file error in the files that depend on the edited one, as spec validate does", async () => {
    const psa = "specs/systems/psa.yaml";
    const text = await client.open(psa);
    const renamed = text.replace("name: psa\n", "name: psa-cloud\n");
    const route = "specs/routes/opportunity-to-project.yaml";
    const inRoute = client.nextDiagnostics(client.uri(route), (d) => d.length > 0);
    await client.change(psa, 2, renamed);
    const published = await inRoute;
    writeFileSync(join(client.root, psa), renamed);
    const cli = validateJson(client.root);
    writeFileSync(join(client.root, psa), text);
    expect(published.map(({ range, code, message }) => ({ range, code, message }))).toEqual(cli.get(route));
    expect(published[0]?.message).toBe("unknown system 'psa'");
    const back = client.nextDiagnostics(client.uri(route), (d) => d.length === 0);
    await client.change(psa, 3, text);
    expect(await back).toEqual([]);
  });

  it("completes lookup fields, source fields, reference names and model keys", async () => {
    const uri = client.uri(MAPPING);
    const lookup = await client.request<CompletionItem[]>("textDocument/completion", { textDocument: { uri }, position: positionOf(mapping, "$contract.billingModel", 10) });
    expect(labels(lookup)).toEqual(
      ["billingModel", "clientId", "contractId", "contractNumber", "currency", "endDate", "legalEntityId", "notToExceed", "paymentTermsDays", "poNumber", "rateCardId", "startDate", "status", "totalValue"].sort(),
    );
    expect(lookup.find((i) => i.label === "billingModel")?.detail).toBe("enum (required)");
    const source = await client.request<CompletionItem[]>("textDocument/completion", { textDocument: { uri }, position: positionOf(mapping, "estimate.value", 9) });
    expect(labels(source)).toEqual(["currency", "value"]);
    const variables = await client.request<CompletionItem[]>("textDocument/completion", { textDocument: { uri }, position: positionOf(mapping, "$contract.legal", 1) });
    expect(variables.map((i) => [i.label, i.detail])).toEqual([["$contract", "lookup of Contract"]]);
    const entities = await client.request<CompletionItem[]>("textDocument/completion", { textDocument: { uri }, position: positionOf(mapping, "entity: Project", 8) });
    expect(labels(entities)).toEqual(["BillingSchedule", "Client", "Contract", "Expense", "Invoice", "LegalEntity", "Milestone", "Payment", "Project", "RateCard", "Resource", "RevenueEvent", "TimeEntry"]);
    const keys = await client.request<CompletionItem[]>("textDocument/completion", { textDocument: { uri }, position: positionOf(mapping, "  source:", 2) });
    expect(labels(keys)).toEqual(["expression", "lookups", "source", "target", "tests"]);
  });

  it("hovers a lookup field, a mapping's name and a route step", async () => {
    const uri = client.uri(MAPPING);
    const field = await client.request<Hover>("textDocument/hover", { textDocument: { uri }, position: positionOf(mapping, "$contract.billingModel", 12) });
    expect(field.contents).toEqual({ kind: "markdown", value: "**field** `billingModel` of entity `Contract`: `enum` (required)" });
    const name = await client.request<Hover>("textDocument/hover", { textDocument: { uri }, position: positionOf(mapping, "name: psa-project-to-project", 8) });
    expect((name.contents as { value: string }).value.split("\n\n").slice(0, 2)).toEqual([
      "**Mapping** `psa-project-to-project` 1.0.0 (team integration-platform)",
      "maps `psa` schema `Project` to entity `Project`; produces entity `Project`",
    ]);
    const route = "specs/routes/opportunity-to-project.yaml";
    const text = await client.open(route);
    const step = await client.request<Hover>("textDocument/hover", { textDocument: { uri: client.uri(route) }, position: positionOf(text, "map: psa-project-to-project", 1) });
    expect((step.contents as { value: string }).value).toMatch(/^\*\*map\*\*: `string`\n\n\S/);
  });

  it("goes to a field's definition and finds its references across files, inside JSONata too", async () => {
    const uri = client.uri(MAPPING);
    const contract = readFileSync(join(client.root, CONTRACT), "utf8");
    const at = positionOf(mapping, "$contract.billingModel", 12);
    const definition = await client.request<Location[]>("textDocument/definition", { textDocument: { uri }, position: at });
    expect(definition).toEqual([{ uri: client.uri(CONTRACT), range: rangeOfText(contract, "billingModel") }]);
    const references = await client.request<Location[]>("textDocument/references", { textDocument: { uri }, position: at, context: { includeDeclaration: false } });
    const at2 = (line: number, character: number) => ({ uri, range: { start: { line, character }, end: { line, character: character + "billingModel".length } } });
    expect(references).toEqual([at2(23, 32), at2(52, 10), at2(87, 10)]);
    expect(mapping.split("\n")[23]?.slice(32, 44)).toBe("billingModel");
    const mappingRefs = await client.request<Location[]>("textDocument/references", {
      textDocument: { uri },
      position: positionOf(mapping, "name: psa-project-to-project", 8),
      context: { includeDeclaration: true },
    });
    const route = readFileSync(join(client.root, "specs/routes/opportunity-to-project.yaml"), "utf8");
    expect(mappingRefs).toEqual([
      { uri, range: rangeOfText(mapping, "psa-project-to-project") },
      { uri: client.uri("specs/routes/opportunity-to-project.yaml"), range: rangeOfText(route, "psa-project-to-project") },
    ]);
  });

  it("renames an entity field everywhere it is written, so the renamed set checks clean", async () => {
    const project = "specs/entities/project.yaml";
    const text = await client.open(project);
    const position = positionOf(text, "projectCode:");
    const prepared = await client.request<{ range: unknown; placeholder: string }>("textDocument/prepareRename", { textDocument: { uri: client.uri(project) }, position });
    expect(prepared).toEqual({ range: rangeOfText(text, "projectCode"), placeholder: "projectCode" });
    const edit = await client.request<WorkspaceEdit>("textDocument/rename", { textDocument: { uri: client.uri(project) }, position, newName: "code" });
    const changes = edit.changes ?? {};
    const files = Object.keys(changes).map((u) => u.slice(u.indexOf("/specs/") + 1)).sort();
    expect(files).toEqual([
      "specs/entities/project.yaml",
      "specs/mappings/billing-invoice-to-invoice.yaml",
      "specs/mappings/milestone-to-revenue-event.yaml",
      "specs/mappings/project-to-billing-customer.yaml",
      "specs/mappings/project-to-billing-subscription.yaml",
      "specs/mappings/project-to-erp-project-option.yaml",
      "specs/mappings/psa-expense-to-expense.yaml",
      "specs/mappings/psa-milestone-to-milestone.yaml",
      "specs/mappings/psa-project-to-project.yaml",
      "specs/mappings/psa-time-entry-to-time-entry.sync",
    ]);
    // The PSA's own projectCode, which the mapping reads, is another record's field and stays.
    const inMapping = changes[client.uri(MAPPING)] ?? [];
    expect(applyEdits(mapping, inMapping)).toContain('"code": projectCode,');
    for (const [uri, edits] of Object.entries(changes)) {
      const relative = uri.slice(uri.indexOf("/specs/") + 1);
      const before = client.buffers.get(relative) ?? (await client.open(relative));
      await client.change(relative, 10, applyEdits(before, edits as TextEdit[]));
    }
    await client.request("syncspec/settle");
    const errors = Object.keys(changes).flatMap((uri) => (client.diagnostics(uri) ?? []).filter((d) => d.severity === 1).map((d) => `${uri}: ${d.message}`));
    expect(errors).toEqual([]);
    expect(client.diagnostics(client.uri(project))).toEqual([]);
  });

  it("formats a .sync document through spec fmt and lists its symbols", async () => {
    const sync = "specs/mappings/time-entry-to-erp-cost-journal.sync";
    const text = await client.open(sync);
    const messy = text.replace("\n  from TimeEntry", "\n        from    TimeEntry");
    await client.change(sync, 2, messy);
    const edits = await client.request<TextEdit[]>("textDocument/formatting", { textDocument: { uri: client.uri(sync) }, options: { tabSize: 2, insertSpaces: true } });
    expect(edits).toHaveLength(1);
    expect(applyEdits(messy, edits)).toBe(text);
    const contract = await client.open(CONTRACT);
    const symbols = await client.request<DocumentSymbol[]>("textDocument/documentSymbol", { textDocument: { uri: client.uri(CONTRACT) } });
    expect(symbols.map((s) => [s.name, s.detail, s.selectionRange])).toEqual([["Contract", "Entity", rangeOfText(contract, "Contract")]]);
    expect(symbols[0]?.children?.map((c) => c.name)).toEqual([
      "contractId", "contractNumber", "clientId", "legalEntityId", "billingModel", "currency", "totalValue", "notToExceed", "rateCardId", "poNumber", "paymentTermsDays", "startDate", "endDate", "status",
    ]);
  });
});
