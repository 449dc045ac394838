/**
 * The language server on corrections, write-backs and the newer step kinds, driven over stdio as
 * an editor would: completion after `correct by`, `$previous` where a correction binds it,
 * navigation and rename through a correction's names, a wrong correction's diagnostics where
 * `spec validate` puts them, and the outline of a route's steps.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { CompletionItem, DocumentSymbol, Hover, Location, WorkspaceEdit } from "vscode-languageserver";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { copyProject, startClient, type TestClient } from "./lsp-client.ts";
import { applyEdits, positionOf, rangeOfText } from "./text-positions.ts";
import { validateJson } from "./validate-json.ts";

const ROUTE = "specs/routes/time-to-revenue.sync";
const YAML_ROUTE = "specs/routes/revenue-recognition.yaml";
const REVERSAL = "specs/mappings/time-entry-to-erp-cost-reversal.yaml";
/** The erp operations that change their target, which a correction of an erp posting may call. */
const ERP_POSTING = ["erp.createExpenseBill", "erp.createPayment", "erp.createProjectOption", "erp.postCostJournal", "erp.postRevenueJournal", "erp.upsertReceivable"];

const labels = (items: CompletionItem[] | null) => (items ?? []).map((i) => i.label).sort();
const markdown = (hover: Hover | null) => (hover?.contents as { value?: string } | undefined)?.value;

describe("spec lsp --stdio on corrections and the newer step kinds", () => {
  let client: TestClient;
  let route: string;

  beforeAll(async () => {
    client = await startClient(copyProject());
    route = await client.open(ROUTE);
  }, 60_000);
  afterAll(async () => client?.stop());

  const at = (path: string, text: string, needle: string, after = 0, from?: string) => ({ textDocument: { uri: client.uri(path) }, position: positionOf(text, needle, after, from) });
  const complete = (path: string, text: string, needle: string, after = 0, from?: string) => client.request<CompletionItem[]>("textDocument/completion", at(path, text, needle, after, from));

  it("completes the ways to correct after `correct by`, then the posting operations of the step's own system", async () => {
    expect(labels(await complete(ROUTE, route, "correct by reverse", 11))).toEqual(["adjust", "reverse", "update"]);
    expect(labels(await complete(ROUTE, route, "reverse erp.postCostJournal", 8))).toEqual(ERP_POSTING);
    const billing = await complete(ROUTE, route, "adjust billing.addTimeCharge", 7);
    expect(labels(billing)).toEqual(["billing.addExpenseCharge", "billing.addTimeCharge", "billing.createCustomer", "billing.createSubscription", "billing.invoiceMilestone", "billing.updateCustomer"]);
    expect(billing.find((i) => i.label === "billing.addTimeCharge")?.detail).toBe("POST /subscriptions/{subscription-id}/add_charge_at_term_end");
    const yaml = await client.open(YAML_ROUTE);
    expect(labels(await complete(YAML_ROUTE, yaml, "operation: erp.postRevenueJournal, mapping: revenue-event-to-erp-journal-reversal", 11))).toEqual(ERP_POSTING);
  });

  it("completes $previous and the fields of what the step posted in a correction's mapping", async () => {
    const mapping = await client.open(REVERSAL);
    const variables = await complete(REVERSAL, mapping, "$previous.body", 1);
    expect(variables.map((i) => [i.label, i.detail])).toEqual([["$previous", "what erp.postCostJournal posted before"]]);
    expect(labels(await complete(REVERSAL, mapping, "$previous.body", 10))).toEqual(["body", "targetId", "version"]);
    const body = await complete(REVERSAL, mapping, "$previous.body.ManualJournals", 15);
    expect(body.map((i) => [i.label, i.detail, i.documentation])).toEqual([["ManualJournals", "array (required)", "A field of $previous.body."]]);
    // A mapping no correction applies has no $previous.
    const plain = "specs/mappings/psa-project-to-project.yaml";
    const text = await client.open(plain);
    expect(labels(await complete(plain, text, "$contract.legal", 1))).toEqual(["$contract"]);
  });

  it("completes and hovers $previous in a correction's parameters, typed by the step's request", async () => {
    const edited = route.replace("adjustment with subscription-id: {{ projectId }}", "adjustment with subscription-id: {{ $previous.targetId & $previous.body.amount }}");
    await client.change(ROUTE, 2, edited);
    expect((await complete(ROUTE, edited, "$previous.targetId", 1)).map((i) => i.label)).toEqual(["$previous"]);
    expect(labels(await complete(ROUTE, edited, "$previous.targetId", 10))).toEqual(["body", "targetId", "version"]);
    expect(labels(await complete(ROUTE, edited, "$previous.body.amount", 15))).toEqual(["amount", "description"]);
    const hover = (needle: string, after: number) => client.request<Hover>("textDocument/hover", at(ROUTE, edited, needle, after));
    expect(markdown(await hover("$previous.body.amount", 3))).toMatch(/^\*\*\$previous\*\*: what `billing\.addTimeCharge` posted before\n\n/);
    expect(markdown(await hover("$previous.body.amount", 17))).toBe("**field** `$previous.body.amount`: `integer` (required)");
    expect(markdown(await hover("$previous.targetId", 12))).toBe("**field** `$previous.targetId`: `string` (optional)");
    // The condition of the step's route binds no $previous: nothing is offered for it there.
    expect(labels(await complete(ROUTE, edited, "when {{ approvalStatus", 8))).not.toContain("$previous");
    // Mid-typing, the block not closed yet: the document does not parse, and $previous is still offered.
    const typing = route.replace("adjustment with subscription-id: {{ projectId }}", "adjustment with subscription-id: {{ $previous.body.");
    await client.change(ROUTE, 3, typing);
    expect(labels(await complete(ROUTE, typing, "$previous.body.", 15))).toEqual(["amount", "description"]);
    await client.change(ROUTE, 4, route);
  });

  it("hovers $previous in a correction's mapping with the operation whose posting it is", async () => {
    const mapping = client.buffers.get(REVERSAL) ?? (await client.open(REVERSAL));
    const hover = await client.request<Hover>("textDocument/hover", at(REVERSAL, mapping, "$previous.body", 3));
    expect(markdown(hover)).toBe(
      "**$previous**: what `erp.postCostJournal` posted before\n\nWhat `erp.postCostJournal` posted for an earlier version of this record: `body` (its request), `targetId` (the id the target gave it) and `version` (the version it was posted for).",
    );
  });

  it("goes from a correction's operation and mapping to their declarations, and renames the mapping in both files", async () => {
    const erp = readFileSync(join(client.root, "specs/systems/erp.yaml"), "utf8");
    const operation = await client.request<Location[]>("textDocument/definition", at(ROUTE, route, "reverse erp.postCostJournal", 14));
    expect(operation).toEqual([{ uri: client.uri("specs/systems/erp.yaml"), range: rangeOfText(erp, "postCostJournal") }]);
    const mapping = client.buffers.get(REVERSAL) ?? (await client.open(REVERSAL));
    const position = at(ROUTE, route, "using time-entry-to-erp-cost-reversal", 10);
    const references = await client.request<Location[]>("textDocument/references", { ...position, context: { includeDeclaration: true } });
    expect(references).toEqual([
      { uri: client.uri(REVERSAL), range: rangeOfText(mapping, "time-entry-to-erp-cost-reversal") },
      { uri: client.uri(ROUTE), range: rangeOfText(route, "time-entry-to-erp-cost-reversal") },
    ]);
    const edit = await client.request<WorkspaceEdit>("textDocument/rename", { ...position, newName: "time-entry-to-erp-cost-undo" });
    expect(Object.keys(edit.changes ?? {}).sort()).toEqual([client.uri(REVERSAL), client.uri(ROUTE)].sort());
    const renamedRoute = applyEdits(route, edit.changes?.[client.uri(ROUTE)] ?? []);
    expect(renamedRoute).toContain("correct by reverse erp.postCostJournal using time-entry-to-erp-cost-undo note");
    await client.change(ROUTE, 10, renamedRoute);
    await client.change(REVERSAL, 10, applyEdits(mapping, edit.changes?.[client.uri(REVERSAL)] ?? []));
    await client.request("syncspec/settle");
    expect(client.diagnostics(client.uri(ROUTE))).toEqual([]);
    expect(client.diagnostics(client.uri(REVERSAL))).toEqual([]);
    await client.change(ROUTE, 11, route);
    await client.change(REVERSAL, 11, mapping);
    await client.request("syncspec/settle");
  }, 60_000);

  /** Publishes `text` for `path`, then checks what the server published for each of `files` against `spec validate` on the same text. */
  async function publishedAsValidate(path: string, version: number, text: string, files: readonly string[]) {
    const original = client.buffers.get(path) ?? readFileSync(join(client.root, path), "utf8");
    await client.change(path, version, text);
    await client.request("syncspec/settle");
    writeFileSync(join(client.root, path), text);
    const cli = validateJson(client.root);
    writeFileSync(join(client.root, path), original);
    const published = files.map((file) => (client.diagnostics(client.uri(file)) ?? []).map(({ range, code, message }) => ({ range, code, message })));
    expect(published).toEqual(files.map((file) => cli.get(file) ?? []));
    await client.change(path, version + 1, original);
    await client.request("syncspec/settle");
    return published;
  }

  it("publishes a correction calling another system on the correction's operation, as spec validate does", async () => {
    const edited = route.replace("correct by reverse erp.postCostJournal", "correct by reverse billing.addExpenseCharge");
    const [inRoute] = await publishedAsValidate(ROUTE, 20, edited, [ROUTE]);
    expect(inRoute?.find((d) => d.code === "correction-system")?.range).toEqual(rangeOfText(edited, "billing.addExpenseCharge"));
  }, 60_000);

  it("publishes a misspelt $previous field inside the correction's mapping, and again when the step's request changes", async () => {
    const mapping = client.buffers.get(REVERSAL) ?? (await client.open(REVERSAL));
    const direct = mapping.replace('"Date": $posted.Date', '"Date": $previous.body.ManualJournals[0].Date');
    const misspelt = direct.replace("$previous.body.ManualJournals[0].Date", "$previous.body.ManualJournal[0].Date");
    const [inMapping] = await publishedAsValidate(REVERSAL, 30, misspelt, [REVERSAL]);
    expect(inMapping?.map((d) => [d.code, d.range])).toEqual([["mapping-unknown-path", rangeOfText(misspelt, "ManualJournal", '"Date": $previous.body.')]]);
    expect(inMapping?.[0]?.message).toMatch(/did you mean 'ManualJournals'\?$/);
    // The step now posts invoices: what the mapping reads from $previous is checked against them,
    // in the block's binding as in its result.
    await client.change(REVERSAL, 40, direct);
    writeFileSync(join(client.root, REVERSAL), direct);
    const invoices = route.replace("post-cost: deliver erp.postCostJournal", "post-cost: deliver erp.upsertReceivable");
    const [, inReversal] = await publishedAsValidate(ROUTE, 40, invoices, [ROUTE, REVERSAL]);
    expect(inReversal?.map((d) => [d.code, d.range])).toEqual([
      ["mapping-unknown-path", rangeOfText(direct, "ManualJournals", "$posted := $previous.body.")],
      ["mapping-unknown-path", rangeOfText(direct, "ManualJournals", '"Date": $previous.body.')],
    ]);
    expect(client.diagnostics(client.uri(REVERSAL))).toEqual([]);
    writeFileSync(join(client.root, REVERSAL), mapping);
    await client.change(REVERSAL, 42, mapping);
    await client.request("syncspec/settle");
  }, 60_000);

  it("publishes a correction with two ways on the correction key in YAML, as spec validate does", async () => {
    const yaml = client.buffers.get(YAML_ROUTE) ?? (await client.open(YAML_ROUTE));
    const two = yaml.replace(
      "correction: { reverse: { operation: erp.postRevenueJournal, mapping: revenue-event-to-erp-journal-reversal } }",
      "correction: { reverse: { operation: erp.postRevenueJournal, mapping: revenue-event-to-erp-journal-reversal }, update: { operation: erp.postRevenueJournal } }",
    );
    const [published] = await publishedAsValidate(YAML_ROUTE, 50, two, [YAML_ROUTE]);
    expect(published?.map((d) => d.code)).toContain("correction-kind");
  }, 60_000);

  it("outlines a route's steps with what each names, a branch's steps below it and a deliver step's correction below the step", async () => {
    const symbols = await client.request<DocumentSymbol[]>("textDocument/documentSymbol", { textDocument: { uri: client.uri(ROUTE) } });
    const steps = symbols[0]?.children ?? [];
    expect(steps.map((s) => [s.name, s.detail])).toEqual([
      ["project", "enrich reference-data Project"],
      ["to-canonical", "map psa-time-entry-to-time-entry"],
      ["check", "validate TimeEntry"],
      ["rate-card", "enrich reference-data RateCard"],
      ["resource", "enrich reference-data Resource"],
      ["price", "map apply-rate-card"],
      ["no-rate", "reject no-rate-for-grade"],
      ["keep-entry", "keep TimeEntry"],
      ["billability", "classify billing"],
      ["erp-project-exists", "require Project"],
      ["legal-entity", "enrich reference-data LegalEntity"],
      ["erp-project", "enrich xref Project"],
      ["post-cost", "deliver erp.postCostJournal"],
      ["bill", "branch"],
    ]);
    const correction = steps.find((s) => s.name === "post-cost")?.children ?? [];
    const written = "reverse erp.postCostJournal using time-entry-to-erp-cost-reversal";
    expect(correction.map((c) => [c.name, c.detail, c.range])).toEqual([["reverse", "correction: reverse erp.postCostJournal", rangeOfText(route, written)]]);
    const branch = steps.find((s) => s.name === "bill")?.children ?? [];
    expect(branch.map((s) => [s.name, s.detail, s.children?.map((c) => c.detail)])).toEqual([
      ["billing-profile-exists", "require Project", undefined],
      ["queue-charge", "deliver billing.addTimeCharge", ["correction: adjust billing.addTimeCharge"]],
      ["to-revenue", "map time-entry-to-revenue-event", undefined],
      ["raise-revenue", "emit RevenueRecognitionDue", undefined],
    ]);
    expect(branch[0]?.selectionRange.start).toEqual(positionOf(route, "billing-profile-exists:"));
  });

  it("completes entities after `keep` and `records`, and a write-back's event and fields", async () => {
    const entities = ["BillingSchedule", "Client", "Contract", "Expense", "Invoice", "LegalEntity", "Milestone", "Payment", "Project", "RateCard", "Resource", "RevenueEvent", "TimeEntry"];
    expect(labels(await complete(ROUTE, route, "keep TimeEntry", 5))).toEqual(entities);
    const records = route.replace("resource: enrich resource with reference-data Resource", "resource: enrich resource with records Resource");
    await client.change(ROUTE, 60, records);
    expect(labels(await complete(ROUTE, records, "records Resource", 8))).toEqual(entities);
    await client.change(ROUTE, 61, route);
    const erpPath = "specs/systems/erp.yaml";
    const erp = await client.open(erpPath);
    expect(labels(await complete(erpPath, erp, "emit: TimeCostPosted", 6))).toContain("TimeCostPosted");
    const fields = await complete(erpPath, erp, "costPostingId: answer", 0);
    expect(labels(fields)).toContain("costPostingId");
    expect(labels(fields)).toContain("timeEntryId");
    expect(fields[0]?.documentation).toBe("A field of entity TimeEntry.");
  });

  it("completes the named entity's fields after a keep step's version and a records lookup's matching, DSL and YAML", async () => {
    const timeEntry = await complete(ROUTE, route, "keep TimeEntry version approvedAt", 23);
    expect(labels(timeEntry)).toContain("approvedAt");
    expect(timeEntry.every((i) => i.documentation === "A field of entity TimeEntry.")).toBe(true);
    const records = route.replace("resource: enrich resource with reference-data Resource by resourceId", "resource: enrich resource with records TimeEntry matching projectId, resourceId by projectId, resourceId");
    await client.change(ROUTE, 70, records);
    expect(labels(await complete(ROUTE, records, "matching projectId", 9))).toEqual(labels(timeEntry));
    expect(labels(await complete(ROUTE, records, "resourceId by", 0, "matching"))).toEqual(labels(timeEntry));
    await client.change(ROUTE, 71, route);
    const yaml = client.buffers.get(YAML_ROUTE) ?? (await client.open(YAML_ROUTE));
    const kept = yaml.replace("    - id: announce\n", "    - id: kept\n      keep: { entity: RevenueEvent, version: sourceVersion }\n    - id: announce\n");
    await client.change(YAML_ROUTE, 70, kept);
    const revenue = await complete(YAML_ROUTE, kept, "version: sourceVersion", 9, "id: kept");
    expect(labels(revenue)).toContain("sourceVersion");
    expect(revenue[0]?.documentation).toBe("A field of entity RevenueEvent.");
    await client.change(YAML_ROUTE, 71, yaml);
  });

  it("completes the trigger's payload fields in a route's versioning", async () => {
    const yaml = client.buffers.get(YAML_ROUTE) ?? (await client.open(YAML_ROUTE));
    const identity = await complete(YAML_ROUTE, yaml, "identity: [revenueEventId]", 11);
    expect(labels(identity)).toContain("revenueEventId");
    expect(labels(identity)).toContain("sourceVersion");
    expect(labels(await complete(YAML_ROUTE, yaml, "version: sourceVersion", 9))).toEqual(labels(identity));
  });
});
