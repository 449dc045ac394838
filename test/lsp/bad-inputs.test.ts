/**
 * The language server under bad input: documents that do not parse mid-typing, files deleted or
 * renamed on disk while open, edits arriving out of order, and a 30 MB buffer.
 */
import { readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { CompletionItem, Diagnostic, Hover } from "vscode-languageserver";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { copyProject, startClient, type TestClient } from "./lsp-client.ts";
import { positionOf } from "./text-positions.ts";

const MAPPING = "specs/mappings/psa-project-to-project.yaml";
const SYNC = "specs/mappings/psa-time-entry-to-time-entry.sync";
const errors = (d: Diagnostic[] | undefined) => (d ?? []).filter((x) => x.severity === 1).map((x) => `${x.code}: ${x.message}`);

describe("spec lsp under bad input", () => {
  let client: TestClient;

  beforeAll(async () => {
    client = await startClient(copyProject());
    await client.request("syncspec/settle");
  }, 60_000);
  afterAll(async () => client?.stop());

  it("reports a .sync document that does not parse mid-typing and still completes inside its JSONata", async () => {
    const text = await client.open(SYNC);
    const typing = text.replace('"contractId": $project.contractId,', '"contractId": $project.');
    const broken = typing.replace("  from psa.TimeEntry\n", "  from psa.TimeEntry {\n");
    await client.change(SYNC, 2, broken);
    await client.request("syncspec/settle");
    const found = client.diagnostics(client.uri(SYNC)) ?? [];
    expect(found.length).toBeGreaterThan(0);
    expect(found.every((d) => d.source === "syncspec" && d.severity === 1)).toBe(true);
    expect(found.some((d) => String(d.code).startsWith("dsl-"))).toBe(true);
    const items = await client.request<CompletionItem[]>("textDocument/completion", {
      textDocument: { uri: client.uri(SYNC) },
      position: positionOf(broken, '"contractId": $project.', '"contractId": $project.'.length),
    });
    expect(items.map((i) => i.label)).toContain("contractId");
    expect(items.map((i) => i.label)).toContain("rateCardId");
    expect(items.every((i) => i.documentation === "A field of entity Project.")).toBe(true);
    const hover = await client.request<Hover | null>("textDocument/hover", { textDocument: { uri: client.uri(SYNC) }, position: { line: 0, character: 2 } });
    expect(hover === null || typeof hover.contents === "object").toBe(true);
    await client.change(SYNC, 3, text);
    await client.request("syncspec/settle");
    expect(client.diagnostics(client.uri(SYNC))).toEqual([]);
  });

  it("reports YAML that does not parse mid-typing and still completes the keys of the place", async () => {
    const text = await client.open(MAPPING);
    const broken = text.replace("spec:\n  source:", "spec:\n  sou\n  source:");
    await client.change(MAPPING, 2, broken);
    await client.request("syncspec/settle");
    expect((client.diagnostics(client.uri(MAPPING)) ?? []).map((d) => d.code)).toContain("yaml-syntax");
    const items = await client.request<CompletionItem[]>("textDocument/completion", { textDocument: { uri: client.uri(MAPPING) }, position: positionOf(broken, "  sou\n", 5) });
    expect(items.map((i) => i.label).sort()).toEqual(["expression", "lookups", "source", "target", "tests"]);
    await client.change(MAPPING, 3, text);
    await client.request("syncspec/settle");
    expect(client.diagnostics(client.uri(MAPPING))).toEqual([]);
  });

  it("keeps an open buffer whose file was deleted on disk, and drops it once closed", async () => {
    const contract = "specs/entities/contract.yaml";
    const text = await client.open(contract);
    rmSync(join(client.root, contract));
    await client.connection.sendNotification("workspace/didChangeWatchedFiles", { changes: [{ uri: client.uri(contract), type: 3 }] });
    await client.request("syncspec/settle");
    expect(errors(client.diagnostics(client.uri(MAPPING)))).toEqual([]);
    await client.connection.sendNotification("textDocument/didClose", { textDocument: { uri: client.uri(contract) } });
    await client.request("syncspec/settle");
    expect(errors(client.diagnostics(client.uri(MAPPING)))).toEqual([
      "unknown-reference: unknown entity 'Contract'; known names are 'BillingSchedule', 'Client', 'Expense', 'Invoice', 'LegalEntity', 'Milestone', 'Payment', 'Project', 'RateCard', 'Resource', 'RevenueEvent', 'TimeEntry'",
    ]);
    writeFileSync(join(client.root, contract), text);
    await client.connection.sendNotification("workspace/didChangeWatchedFiles", { changes: [{ uri: client.uri(contract), type: 1 }] });
    await client.request("syncspec/settle");
    expect(client.diagnostics(client.uri(MAPPING))).toEqual([]);
  });

  it("follows a file renamed on disk while open", async () => {
    const erp = "specs/systems/erp.yaml";
    const moved = "specs/systems/erp-system.yaml";
    const text = await client.open(erp);
    renameSync(join(client.root, erp), join(client.root, moved));
    await client.connection.sendNotification("workspace/didChangeWatchedFiles", {
      changes: [
        { uri: client.uri(erp), type: 3 },
        { uri: client.uri(moved), type: 1 },
      ],
    });
    await client.request("syncspec/settle");
    // Until the editor closes the old buffer, it still declares the system: a duplicate, said so there.
    expect(errors(client.diagnostics(client.uri(erp)))).toEqual([`duplicate-name: System 'erp' is already declared in ${join(client.root, moved)}`]);
    expect(client.diagnostics(client.uri(moved))).toEqual([]);
    await client.connection.sendNotification("textDocument/didClose", { textDocument: { uri: client.uri(erp) } });
    await client.connection.sendNotification("textDocument/didOpen", { textDocument: { uri: client.uri(moved), languageId: "yaml", version: 1, text } });
    await client.request("syncspec/settle");
    expect(client.diagnostics(client.uri(moved))).toEqual([]);
    expect(client.diagnostics(client.uri(erp))).toEqual([]);
  });

  it("refuses an edit whose version is older than the buffer's, and logs it", async () => {
    const route = "specs/routes/opportunity-to-project.yaml";
    const text = await client.open(route);
    const broken = text.replace("map: psa-project-to-project", "map: psa-project-to-projct");
    await client.change(route, 3, broken);
    await client.change(route, 2, text);
    await client.request("syncspec/settle");
    expect(errors(client.diagnostics(client.uri(route)))).toEqual(["unknown-reference: unknown mapping 'psa-project-to-projct'; did you mean 'psa-project-to-project'?"]);
    const stats = await client.request<{ staleChanges: number }>("syncspec/stats");
    expect(stats.staleChanges).toBe(1);
    expect(client.logs.some((l) => l.endsWith(`${join(client.root, route)} refused: version 2 is not newer than 3`))).toBe(true);
    await client.change(route, 4, text);
    await client.request("syncspec/settle");
    expect(client.diagnostics(client.uri(route))).toEqual([]);
  });

  it("declines a 30 MB buffer with a message and keeps serving the rest", async () => {
    const big = "specs/entities/huge.yaml";
    const text = `# ${"x".repeat(30 * 1024 * 1024)}\n`;
    await client.connection.sendNotification("textDocument/didOpen", { textDocument: { uri: client.uri(big), languageId: "yaml", version: 1, text } });
    await client.request("syncspec/settle");
    expect(client.messages).toEqual([
      { type: 2, message: `syncspec: ${join(client.root, big)} is over the limit of 4194304 bytes (limits.maxFileBytes), so it is not analysed.` },
    ]);
    expect(client.diagnostics(client.uri(big))?.map((d) => [d.code, d.message, d.range])).toEqual([
      ["file-too-large", `the file is ${Buffer.byteLength(text)} bytes, over the limit of 4194304 bytes`, { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }],
    ]);
    const stats = await client.request<{ declinedDocuments: number }>("syncspec/stats");
    expect(stats.declinedDocuments).toBe(1);
    const mapping = client.buffers.get(MAPPING) ?? "";
    const hover = await client.request<Hover>("textDocument/hover", { textDocument: { uri: client.uri(MAPPING) }, position: positionOf(mapping, "$contract.billingModel", 12) });
    expect(hover.contents).toEqual({ kind: "markdown", value: "**field** `billingModel` of entity `Contract`: `enum` (required)" });
  }, 60_000);
});

describe("spec lsp with a rule module that prints", () => {
  it("keeps standard output for the protocol and passes what the module prints to the client's log", async () => {
    const root = copyProject();
    const rule = join(root, "specs/governance/rules/erp-circuit-breaker.rule.ts");
    writeFileSync(rule, `console.log("rule module loaded");\n${readFileSync(rule, "utf8")}`);
    const client = await startClient(root);
    try {
      await client.request("syncspec/settle");
      expect(client.logs).toContain("rule module loaded");
      const stats = await client.request<{ analyses: number }>("syncspec/stats");
      expect(stats.analyses).toBeGreaterThan(0);
    } finally {
      await client.stop();
    }
  }, 60_000);
});
