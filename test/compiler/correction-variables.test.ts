/**
 * Variables in a correction's JSONata: what a mapping's block binds is type-checked (its reads,
 * and reads through the variable typed from them), `$previous` is checked in a correction's
 * parameters as in its mapping, and a mapping two corrections apply is checked against what each
 * posted. Findings are located in the file where the text is, in YAML and in the DSL.
 */
import { describe, expect, it } from "vitest";
import { runCli, writeSpecSet } from "../../src/testing/spec-fixtures.ts";

const SYSTEMS = `apiVersion: syncspec.dev/v1
kind: System
metadata: { name: psa }
spec:
  role: psa
  baseUrl: { env: PSA_URL }
  auth: { type: bearer, token: { secret: psa-token } }
  schemas:
    TimeEntry: { type: object, properties: { timeEntryId: { type: string }, version: { type: integer }, hours: { type: number } } }
  events: { timeEntryApproved: { delivery: webhook, payload: TimeEntry, webhook: { path: /hooks/psa } } }
---
apiVersion: syncspec.dev/v1
kind: System
metadata: { name: erp }
spec:
  role: erp
  baseUrl: { env: ERP_URL }
  auth: { type: bearer, token: { secret: erp-token } }
  schemas:
    Journal: { type: object, properties: { memo: { type: string }, lines: { type: array, items: { type: object, properties: { amount: { type: string }, account: { type: string } } } } } }
    Invoice: { type: object, properties: { reference: { type: string }, lines: { type: array, items: { type: object, properties: { amount: { type: string }, item: { type: string } } } } } }
    Reversal: { type: object, properties: { memo: { type: string }, lines: { type: array, items: { type: object, properties: { amount: { type: string }, account: { type: string } } } } } }
  operations:
    postJournal: { method: POST, path: /journals, effect: create, request: Journal }
    reverseJournal: { method: POST, path: "/journals/{journalId}/reversal", effect: create, request: Reversal }
    postInvoice: { method: POST, path: /invoices, effect: create, request: Invoice }
    creditInvoice: { method: POST, path: "/invoices/{invoiceId}/credit", effect: create, request: Reversal }
`;

const route = (name: string, step: string, posts: string, corrects: string, param: string) => `apiVersion: syncspec.dev/v1
kind: Route
metadata: { name: ${name} }
spec:
  trigger: { event: psa.timeEntryApproved }
  idempotencyKey: [timeEntryId]
  versioning: { identity: [timeEntryId], version: version }
  steps:
    - id: ${step}
      deliver: { operation: erp.${posts}, correction: { reverse: { operation: erp.${corrects}, mapping: reversal, params: { ${param}: $previous.targetId } } } }
`;

const TIME_ROUTE = route("time", "post-journal", "postJournal", "reverseJournal", "journalId");
const BILLING_ROUTE = route("billing", "post-invoice", "postInvoice", "creditInvoice", "invoiceId");

/** The reversal's JSONata: the posted journal bound, then read through the variables bound from it. */
const REVERSAL = `(
  $posted := $previous.body;
  $lines := $posted.lines;
  $hours := hours;
  {
    "memo": "Reversal of " & $posted.memo & " (" & $hours & " h)",
    "lines": $lines.{ "amount": $string(0 - $number(amount)), "account": account }
  }
)`;

const indent = (text: string, by: string) =>
  text
    .split("\n")
    .map((line) => `${by}${line}`)
    .join("\n");

const yamlMapping = (expression: string) => `apiVersion: syncspec.dev/v1
kind: Mapping
metadata: { name: reversal }
spec:
  source: { system: psa, schema: TimeEntry }
  target: { system: erp, schema: Reversal }
  expression: |
${indent(expression, "    ")}
`;

const dslMapping = (expression: string) => `mapping reversal {
  from psa.TimeEntry
  to erp.Reversal
  expression {{
${indent(expression, "    ")}
  }}
}
`;

interface Found {
  code: string;
  file: string;
  line: number;
  column: number;
  message: string;
}

/** Validates `files`; the diagnostics as [code, file, line, column, message]. */
async function validate(files: Record<string, string>) {
  const result = await runCli(["validate", ".", "--format", "json"], writeSpecSet(files));
  const found = (JSON.parse(result.stdout) as { diagnostics: Found[] }).diagnostics;
  return { code: result.code, diagnostics: found.map((d) => [d.code, d.file, d.line, d.column, d.message]) };
}

/** The 1-based line and column of `needle` in `text`, its `nth` occurrence after `after`. */
function at(text: string, needle: string, after = "", nth = 1): [number, number] {
  let offset = text.indexOf(after);
  expect(offset).toBeGreaterThanOrEqual(0);
  for (let i = 0; i < nth; i++) {
    offset = text.indexOf(needle, i === 0 ? offset : offset + 1);
    expect(offset).toBeGreaterThanOrEqual(0);
  }
  const before = text.slice(0, offset).split("\n");
  return [before.length, (before[before.length - 1]?.length ?? 0) + 1];
}

/** `from` replaced by `to` in `text`, which must contain it. */
function edit(text: string, from: string, to: string): string {
  expect(text).toContain(from);
  return text.replace(from, to);
}

const ON_TIME = "at step post-journal of route time";
const ON_BILLING = "at step post-invoice of route billing";

describe("variables in a correction's JSONata", () => {
  it("accepts the reversal as written, in YAML and in the DSL", async () => {
    expect(await validate({ "systems.yaml": SYSTEMS, "time.yaml": TIME_ROUTE, "reversal.yaml": yamlMapping(REVERSAL) })).toEqual({ code: 0, diagnostics: [] });
    expect(await validate({ "systems.yaml": SYSTEMS, "time.yaml": TIME_ROUTE, "reversal.sync": dslMapping(REVERSAL) })).toEqual({ code: 0, diagnostics: [] });
  });

  it("reports a misspelt read in a block's binding, and reads through the variables bound, in YAML", async () => {
    const misspelt = edit(edit(edit(REVERSAL, "$previous.body;", "$previous.bdy;"), "$hours := hours;", "$hours := hourz;"), "$posted.memo", "$posted.memmo");
    const mapping = yamlMapping(misspelt);
    expect(await validate({ "systems.yaml": SYSTEMS, "time.yaml": TIME_ROUTE, "reversal.yaml": mapping })).toEqual({
      code: 1,
      diagnostics: [
        ["mapping-unknown-path", "reversal.yaml", ...at(mapping, "bdy"), `the mapping reads '$previous.bdy', but 'bdy' is not a field of $previous (what erp.postJournal posted ${ON_TIME}); did you mean 'body'?`],
        ["mapping-unknown-path", "reversal.yaml", ...at(mapping, "hourz"), "the mapping reads 'hourz', but 'hourz' is not a field of psa schema TimeEntry; did you mean 'hours'?"],
      ],
    });
    // With the binding right, a read through the variable is typed from it, and so is the variable bound from that.
    const through = edit(edit(REVERSAL, "$posted.memo", "$posted.memmo"), '"account": account }', '"account": $lines.acount }');
    const second = yamlMapping(through);
    expect(await validate({ "systems.yaml": SYSTEMS, "time.yaml": TIME_ROUTE, "reversal.yaml": second })).toEqual({
      code: 1,
      diagnostics: [
        [
          "mapping-unknown-path",
          "reversal.yaml",
          ...at(second, "memmo"),
          `the mapping reads '$posted.memmo', but 'memmo' is not a field of $previous.body (the request erp.postJournal posted ${ON_TIME}); did you mean 'memo'?`,
        ],
        [
          "mapping-unknown-path",
          "reversal.yaml",
          ...at(second, "acount"),
          `the mapping reads '$lines.acount', but 'acount' is not a field of $previous.body.lines (in the request erp.postJournal posted ${ON_TIME}); did you mean 'account'?`,
        ],
      ],
    });
  });

  it("reports a misspelt read in a block's binding in the DSL, located in the .sync file", async () => {
    const mapping = dslMapping(edit(edit(REVERSAL, "$posted.lines;", "$posted.line;"), "$posted.memo", "$posted.memmo"));
    expect(await validate({ "systems.yaml": SYSTEMS, "time.yaml": TIME_ROUTE, "reversal.sync": mapping })).toEqual({
      code: 1,
      diagnostics: [
        [
          "mapping-unknown-path",
          "reversal.sync",
          ...at(mapping, "line;"),
          `the mapping reads '$posted.line', but 'line' is not a field of $previous.body (the request erp.postJournal posted ${ON_TIME}); did you mean 'lines'?`,
        ],
        [
          "mapping-unknown-path",
          "reversal.sync",
          ...at(mapping, "memmo"),
          `the mapping reads '$posted.memmo', but 'memmo' is not a field of $previous.body (the request erp.postJournal posted ${ON_TIME}); did you mean 'memo'?`,
        ],
      ],
    });
  });

  it("says nothing of reads through a variable whose fields cannot be told, or bound in another block", async () => {
    const files = (expression: string) => ({ "systems.yaml": SYSTEMS, "time.yaml": TIME_ROUTE, "reversal.yaml": yamlMapping(expression) });
    // Bound to a computed value: unknown, even where it rebinds a typed variable.
    const merged = edit(REVERSAL, "$posted := $previous.body;", "$posted := $merge([$previous.body, { 'extra': 1 }]);");
    expect(await validate(files(edit(merged, "$posted.memo", "$posted.extra")))).toEqual({ code: 0, diagnostics: [] });
    const rebound = edit(REVERSAL, "$hours := hours;", "$hours := hours; $posted := $merge([$posted, { 'extra': 1 }]);");
    expect(await validate(files(edit(rebound, "$posted.memo", "$posted.extra")))).toEqual({ code: 0, diagnostics: [] });
    // A scalar has no fields to tell; a variable a value's own block binds is not bound after it.
    const scalar = edit(REVERSAL, "$hours := hours;", "$id := $previous.targetId;");
    expect(await validate(files(edit(scalar, '" h)"', '" h)" & $id.anything')))).toEqual({ code: 0, diagnostics: [] });
    const inner = yamlMapping(edit(REVERSAL, '"memo": "Reversal of " & $posted.memo', '"memo": ($m := $previous.body; "Reversal of " & $m.memmo) & $m.anything'));
    expect(await validate({ ...files(REVERSAL), "reversal.yaml": inner })).toEqual({
      code: 1,
      diagnostics: [
        [
          "mapping-unknown-path",
          "reversal.yaml",
          ...at(inner, "memmo"),
          `the mapping reads '$m.memmo', but 'memmo' is not a field of $previous.body (the request erp.postJournal posted ${ON_TIME}); did you mean 'memo'?`,
        ],
      ],
    });
  });

  it("checks $previous in a correction's parameters as in its mapping, in YAML", async () => {
    const mapping = yamlMapping(REVERSAL);
    const misspelt = edit(TIME_ROUTE, "journalId: $previous.targetId", "journalId: $previous.targetID & $previous.body.memmo & $previous.body.lines.amount");
    expect(await validate({ "systems.yaml": SYSTEMS, "time.yaml": misspelt, "reversal.yaml": mapping })).toEqual({
      code: 1,
      diagnostics: [
        ["unknown-field", "time.yaml", ...at(misspelt, "targetID"), "'targetID' is not a field of $previous (what erp.postJournal posted); did you mean 'targetId'?"],
        ["unknown-field", "time.yaml", ...at(misspelt, "memmo"), "'memmo' is not a field of $previous.body (the request erp.postJournal posted); did you mean 'memo'?"],
      ],
    });
  });

  it("checks $previous in a correction's parameters in the DSL, typed by what the step posted", async () => {
    const dsl = `route time {
  on psa.timeEntryApproved
  key timeEntryId
  versioning { identity [timeEntryId], version version }

  steps {
    post-journal: deliver erp.postJournal correct by reverse erp.reverseJournal using reversal with journalId: {{ $previous.body.lines.acount & $previous.nope }}
  }
}
`;
    expect(await validate({ "systems.yaml": SYSTEMS, "time.sync": dsl, "reversal.sync": dslMapping(REVERSAL) })).toEqual({
      code: 1,
      diagnostics: [
        ["unknown-field", "time.sync", ...at(dsl, "acount"), "'acount' is not a field of $previous.body.lines (in the request erp.postJournal posted); did you mean 'account'?"],
        ["unknown-field", "time.sync", ...at(dsl, "nope"), "'nope' is not a field of $previous (what erp.postJournal posted); known names are 'body', 'targetId', 'version'"],
      ],
    });
  });

  it("checks a mapping two corrections apply against what each step posted, naming the step, in YAML", async () => {
    const mapping = yamlMapping(REVERSAL);
    const both = { "systems.yaml": SYSTEMS, "time.yaml": TIME_ROUTE, "billing.yaml": BILLING_ROUTE, "reversal.yaml": mapping };
    // The invoice has no memo: only the billing step's $previous lacks it; the finding is in the mapping.
    expect(await validate(both)).toEqual({
      code: 1,
      diagnostics: [
        [
          "mapping-unknown-path",
          "reversal.yaml",
          ...at(mapping, "memo", "$posted.memo"),
          `the mapping reads '$posted.memo', but 'memo' is not a field of $previous.body (the request erp.postInvoice posted ${ON_BILLING}); known names are 'reference', 'lines'`,
        ],
      ],
    });
    // A read wrong for both is reported for each; one that does not read $previous, once.
    const wrong = yamlMapping(edit(edit(REVERSAL, "$posted.lines;", "$posted.line;"), "$hours := hours;", "$hours := hourz;"));
    const found = await validate({ ...both, "reversal.yaml": wrong });
    expect(found.diagnostics).toEqual([
      [
        "mapping-unknown-path",
        "reversal.yaml",
        ...at(wrong, "line;"),
        `the mapping reads '$posted.line', but 'line' is not a field of $previous.body (the request erp.postInvoice posted ${ON_BILLING}); did you mean 'lines'?`,
      ],
      [
        "mapping-unknown-path",
        "reversal.yaml",
        ...at(wrong, "line;"),
        `the mapping reads '$posted.line', but 'line' is not a field of $previous.body (the request erp.postJournal posted ${ON_TIME}); did you mean 'lines'?`,
      ],
      ["mapping-unknown-path", "reversal.yaml", ...at(wrong, "hourz"), "the mapping reads 'hourz', but 'hourz' is not a field of psa schema TimeEntry; did you mean 'hours'?"],
      [
        "mapping-unknown-path",
        "reversal.yaml",
        ...at(wrong, "memo", "$posted.memo"),
        `the mapping reads '$posted.memo', but 'memo' is not a field of $previous.body (the request erp.postInvoice posted ${ON_BILLING}); known names are 'reference', 'lines'`,
      ],
    ]);
  });

  it("checks a mapping two steps of a DSL route apply against what each posted, naming the step", async () => {
    const dsl = `route time {
  on psa.timeEntryApproved
  key timeEntryId
  versioning { identity [timeEntryId], version version }

  steps {
    post-journal: deliver erp.postJournal correct by reverse erp.reverseJournal using reversal with journalId: {{ $previous.targetId }}
    post-invoice: deliver erp.postInvoice correct by reverse erp.creditInvoice using reversal with invoiceId: {{ $previous.targetId }}
  }
}
`;
    const mapping = dslMapping(edit(REVERSAL, "$posted := $previous.body;", "$posted := $previous.body; $ref := $previous.body.reference;"));
    expect(await validate({ "systems.yaml": SYSTEMS, "time.sync": dsl, "reversal.sync": mapping })).toEqual({
      code: 1,
      diagnostics: [
        [
          "mapping-unknown-path",
          "reversal.sync",
          ...at(mapping, "reference"),
          "the mapping reads '$previous.body.reference', but 'reference' is not a field of $previous.body (the request erp.postJournal posted at step post-journal of route time); known names are 'memo', 'lines'",
        ],
        [
          "mapping-unknown-path",
          "reversal.sync",
          ...at(mapping, "memo", "$posted.memo"),
          "the mapping reads '$posted.memo', but 'memo' is not a field of $previous.body (the request erp.postInvoice posted at step post-invoice of route time); known names are 'reference', 'lines'",
        ],
      ],
    });
  });
});
