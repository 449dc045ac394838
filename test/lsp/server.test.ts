/**
 * The language server driven over stdio by a real protocol client (vscode-jsonrpc) on a copy of
 * specs/: open, change, completion, hover, definition, references, rename and formatting, with
 * exact results; diagnostics compared with `spec validate --format json` on the same files.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { CodeAction, CompletionItem, DocumentSymbol, Hover, Location, TextEdit, WorkspaceEdit } from "vscode-languageserver";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { copyProject, startClient, type TestClient } from "./lsp-client.ts";
import { applyEdits, positionOf, rangeOfText } from "./text-positions.ts";
import { validateJson } from "./validate-json.ts";

const MAPPING = "specs/mappings/psa-project-to-project.yaml";
const CONTRACT = "specs/entities/contract.yaml";

const labels = (items: CompletionItem[] | null) => (items ?? []).map((i) => i.label).sort();

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
    expect(client.registrations).toEqual([{ method: "workspace/didChangeWatchedFiles", registerOptions: { watchers: [{ globPattern: "**/*.{yaml,yml,sync}" }] } }]);
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
  }, 60_000);

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
    expect(published[0]?.message).toBe("unknown system 'psa'; known names are 'billing', 'erp', 'psa-cloud'");
    const back = client.nextDiagnostics(client.uri(route), (d) => d.length === 0);
    await client.change(psa, 3, text);
    expect(await back).toEqual([]);
  }, 60_000);

  it("reports a lint finding as spec lint does, once the set validates", async () => {
    const erp = "specs/systems/erp.yaml";
    const text = client.buffers.get(erp) ?? (await client.open(erp));
    const plain = text.replace('default: "https://api.xero.com/api.xro/2.0"', 'default: "http://api.xero.com/api.xro/2.0"');
    const found = client.nextDiagnostics(client.uri(erp), (d) => d.length > 0);
    await client.change(erp, 30, plain);
    const published = await found;
    writeFileSync(join(client.root, erp), plain);
    const cli = validateJson(client.root, "lint");
    writeFileSync(join(client.root, erp), text);
    expect(published.map(({ range, code, message }) => ({ range, code, message }))).toEqual(cli.get(erp));
    expect(published.map((d) => [d.code, d.severity, d.source])).toEqual([["https-base-url", 1, "syncspec"]]);
    const back = client.nextDiagnostics(client.uri(erp), (d) => d.length === 0);
    await client.change(erp, 31, text);
    expect(await back).toEqual([]);
  }, 60_000);

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

  it("completes field names where a spec writes them: route keys, test inputs, DSL keys", async () => {
    const psaProject = ["activatedDateUtc", "contactId", "contractId", "currencyCode", "deadlineUtc", "estimate", "minutesLogged", "name", "projectCode", "projectId", "startDateUtc", "status"];
    const route = "specs/routes/opportunity-to-project.yaml";
    const routeText = client.buffers.get(route) ?? (await client.open(route));
    const keys = await client.request<CompletionItem[]>("textDocument/completion", { textDocument: { uri: client.uri(route) }, position: positionOf(routeText, "idempotencyKey: [projectId]", 17) });
    expect(labels(keys)).toEqual(psaProject);
    const input = await client.request<CompletionItem[]>("textDocument/completion", { textDocument: { uri: client.uri(MAPPING) }, position: positionOf(mapping, "projectId:", 0, "input:") });
    expect(labels(input)).toEqual(psaProject);
    const sync = "specs/routes/time-to-revenue.sync";
    const syncText = client.buffers.get(sync) ?? (await client.open(sync));
    const dsl = await client.request<CompletionItem[]>("textDocument/completion", { textDocument: { uri: client.uri(sync) }, position: positionOf(syncText, "key timeEntryId", 4) });
    expect(labels(dsl)).toContain("timeEntryId");
    expect(labels(dsl)).toContain("approvalStatus");
    expect(dsl.every((i) => i.documentation === "A field of psa schema TimeEntry.")).toBe(true);
    const condition = await client.request<CompletionItem[]>("textDocument/completion", { textDocument: { uri: client.uri(sync) }, position: positionOf(syncText, "when {{ approvalStatus", 8) });
    expect(labels(condition)).toEqual(labels(dsl));
    const expense = "specs/routes/expense-to-reimbursement.yaml";
    const expenseText = client.buffers.get(expense) ?? (await client.open(expense));
    const yamlCondition = await client.request<CompletionItem[]>("textDocument/completion", { textDocument: { uri: client.uri(expense) }, position: positionOf(expenseText, 'when: approvalStatus = "APPROVED"', 6) });
    expect(labels(yamlCondition)).toContain("approvalStatus");
    expect(yamlCondition[0]?.documentation).toBe("A field of psa schema Expense.");
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
  }, 60_000);

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

  it("renames a .sync mapping from where a route uses it, in both documents", async () => {
    const route = "specs/routes/time-to-revenue.sync";
    const journal = "specs/mappings/time-entry-to-erp-cost-journal.sync";
    const routeText = client.buffers.get(route) ?? (await client.open(route));
    const journalText = client.buffers.get(journal) ?? (await client.open(journal));
    const edit = await client.request<WorkspaceEdit>("textDocument/rename", {
      textDocument: { uri: client.uri(route) },
      position: positionOf(routeText, "using time-entry-to-erp-cost-journal", 8),
      newName: "time-entry-to-erp-journal",
    });
    expect(edit.changes).toEqual({
      [client.uri(journal)]: [{ range: rangeOfText(journalText, "time-entry-to-erp-cost-journal"), newText: "time-entry-to-erp-journal" }],
      [client.uri(route)]: [{ range: rangeOfText(routeText, "time-entry-to-erp-cost-journal"), newText: "time-entry-to-erp-journal" }],
    });
    await client.change(route, 20, applyEdits(routeText, edit.changes?.[client.uri(route)] ?? []));
    await client.change(journal, 20, applyEdits(journalText, edit.changes?.[client.uri(journal)] ?? []));
    await client.request("syncspec/settle");
    expect(client.diagnostics(client.uri(route))).toEqual([]);
    expect(client.diagnostics(client.uri(journal))).toEqual([]);
    await expect(
      client.request("textDocument/rename", { textDocument: { uri: client.uri(route) }, position: positionOf(routeText, "using time-entry-to-erp-cost-journal", 8), newName: "Not A Name" }),
    ).rejects.toThrow("'Not A Name' is not a valid Mapping name");
  });

  it("goes from a route's canonical trigger to the emit steps that publish the event, YAML and DSL", async () => {
    const consumer = "specs/routes/revenue-recognition.yaml";
    const text = client.buffers.get(consumer) ?? (await client.open(consumer));
    const position = positionOf(text, "canonical: RevenueRecognitionDue", 12);
    const definitions = await client.request<Location[]>("textDocument/definition", { textDocument: { uri: client.uri(consumer) }, position });
    const yaml = readFileSync(join(client.root, "specs/routes/milestone-to-invoice.yaml"), "utf8");
    const sync = client.buffers.get("specs/routes/time-to-revenue.sync") ?? readFileSync(join(client.root, "specs/routes/time-to-revenue.sync"), "utf8");
    expect(definitions).toEqual([
      { uri: client.uri("specs/routes/milestone-to-invoice.yaml"), range: rangeOfText(yaml, "RevenueRecognitionDue") },
      { uri: client.uri("specs/routes/time-to-revenue.sync"), range: rangeOfText(sync, "RevenueRecognitionDue") },
    ]);
    const hover = await client.request<Hover>("textDocument/hover", { textDocument: { uri: client.uri(consumer) }, position });
    expect(hover.contents).toEqual({
      kind: "markdown",
      value: "**canonical event** `RevenueRecognitionDue` carrying entity `RevenueEvent`, emitted by `milestone-to-invoice`, `time-to-revenue`",
    });
  });

  it("goes from a route's canonical trigger to the write-back that announces the event", async () => {
    const consumer = "specs/routes/cost-posting-to-psa.sync";
    const text = client.buffers.get(consumer) ?? (await client.open(consumer));
    const position = positionOf(text, "canonical TimeCostPosted", 12);
    const definitions = await client.request<Location[]>("textDocument/definition", { textDocument: { uri: client.uri(consumer) }, position });
    const erp = readFileSync(join(client.root, "specs/systems/erp.yaml"), "utf8");
    expect(definitions).toEqual([{ uri: client.uri("specs/systems/erp.yaml"), range: rangeOfText(erp, "TimeCostPosted") }]);
    const hover = await client.request<Hover>("textDocument/hover", { textDocument: { uri: client.uri(consumer) }, position });
    expect(hover.contents).toEqual({ kind: "markdown", value: "**canonical event** `TimeCostPosted` carrying entity `TimeEntry`, emitted by `erp.postCostJournal`" });
  });
});
