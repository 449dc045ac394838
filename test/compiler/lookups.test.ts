/** Lookups are checked at compile time: key and `asOf` paths against the record at their step, fields read from lookup values against the looked-up entity. */
import { describe, expect, it } from "vitest";
import { runCli, writeSpecSet } from "../../src/testing/spec-fixtures.ts";

const files: Record<string, string> = {
  "systems.yaml": `apiVersion: syncspec.dev/v1
kind: System
metadata: { name: psa }
spec:
  role: psa
  baseUrl: { env: PSA_URL }
  auth: { type: bearer, token: { secret: psa-token } }
  schemas:
    Expense: { type: object, properties: { expenseId: { type: string }, clientId: { type: string }, currency: { type: string }, projectCurrency: { type: string }, expenseDate: { type: string } } }
  events: { expenseApproved: { delivery: webhook, payload: Expense, webhook: { path: /hooks/psa } } }
---
apiVersion: syncspec.dev/v1
kind: System
metadata: { name: erp }
spec: { role: erp, baseUrl: { env: ERP_URL }, auth: { type: bearer, token: { secret: erp-token } },
        schemas: { Bill: { type: object, properties: { contact: { type: string }, terms: { type: string } } } },
        operations: { postBill: { method: POST, path: /bills, effect: create, request: Bill } } }
`,
  "model.yaml": `apiVersion: syncspec.dev/v1
kind: Entity
metadata: { name: Client }
spec:
  identity: [clientId]
  fields:
    clientId: { type: string, required: true }
    name: { type: string, required: true }
    paymentTermsDays: { type: integer }
---
apiVersion: syncspec.dev/v1
kind: Entity
metadata: { name: FxRate }
spec:
  identity: [from, to]
  fields:
    from: { type: currency, required: true }
    to: { type: currency, required: true }
    rate: { type: decimal, required: true }
---
apiVersion: syncspec.dev/v1
kind: Mapping
metadata: { name: expense-to-bill }
spec:
  source: { system: psa, schema: Expense }
  target: { system: erp, schema: Bill }
  lookups: { client: { kind: reference-data, entity: Client } }
  expression: |
    { "contact": $client.name, "terms": $string($client.paymentTermsDays) }
`,
  "route.yaml": `apiVersion: syncspec.dev/v1
kind: Route
metadata: { name: expenses }
spec:
  trigger: { event: psa.expenseApproved }
  idempotencyKey: [expenseId]
  steps:
    - enrich: { lookup: reference-data, entity: Client, key: clientId, as: client }
    - enrich: { lookup: reference-data, entity: FxRate, key: [currency, projectCurrency], asOf: expenseDate, as: fx }
    - when: fx.rate != "1"
      deliver: { operation: erp.postBill, mapping: expense-to-bill }
    - enrich: { lookup: records, entity: Expense, match: [clientId], key: clientId, as: earlier }
`,
  "canonical.yaml": `apiVersion: syncspec.dev/v1
kind: Entity
metadata: { name: Expense }
spec:
  identity: [expenseId]
  fields:
    expenseId: { type: string, required: true }
    clientId: { type: string, required: true }
    amount: { type: decimal, required: true }
    approvedAt: { type: datetime }
---
apiVersion: syncspec.dev/v1
kind: Mapping
metadata: { name: psa-expense-to-expense }
spec:
  source: { system: psa, schema: Expense }
  target: { entity: Expense }
  expression: '{ "expenseId": expenseId, "clientId": clientId, "amount": "1.00" }'
---
apiVersion: syncspec.dev/v1
kind: Mapping
metadata: { name: expense-to-erp-bill }
spec:
  source: { entity: Expense }
  target: { system: erp, schema: Bill }
  expression: '{ "contact": clientId, "terms": amount }'
---
apiVersion: syncspec.dev/v1
kind: Route
metadata: { name: canonical-expenses }
spec:
  trigger: { event: psa.expenseApproved }
  idempotencyKey: [expenseId]
  steps:
    - map: psa-expense-to-expense
    - deliver: { operation: erp.postBill, mapping: expense-to-erp-bill }
---
apiVersion: syncspec.dev/v1
kind: Route
metadata: { name: kept-expenses }
spec:
  trigger: { event: psa.expenseApproved }
  idempotencyKey: [expenseId]
  steps:
    - map: psa-expense-to-expense
    - keep: { entity: Expense, version: approvedAt }
---
apiVersion: syncspec.dev/v1
kind: Reconciliation
metadata: { name: expense-bills }
spec:
  groupBy: [clientId]
  sources:
    - { name: psa, system: psa, entity: Expense, measure: amount }
    - { name: erp, system: erp, entity: Expense, filter: $exists(amount), measure: amount }
  tolerance: { absolute: "0.00" }
  onMismatch: { queue: expense-gaps, owner: finance-ops }
`,
  "route.sync": `route expenses-dsl {
  on psa.expenseApproved
  key expenseId
  steps {
    enrich client with reference-data Client by clientId wait 1d
    enrich fx with reference-data FxRate by currency, projectCurrency on expenseDate
    deliver erp.postBill using expense-to-bill
  }
}
`,
};

interface Found {
  code: string;
  file: string;
  line: number;
  column: number;
  message: string;
}

/** Runs `spec validate --format json` on the set with `file`'s text changed from `from` to `to`. */
async function validate(file: string, from: string, to: string) {
  const source = files[file]!;
  expect(source).toContain(from);
  const dir = writeSpecSet({ ...files, [file]: source.replace(from, to) });
  const result = await runCli(["validate", ".", "--format", "json"], dir);
  return { code: result.code, diagnostics: (JSON.parse(result.stdout) as { diagnostics: Found[] }).diagnostics };
}

const where = (d: Found) => ({ code: d.code, file: d.file, line: d.line, column: d.column, message: d.message });

describe("lookups", () => {
  it("accepts composite keys, dates to look up as of and lookup fields read as the entity declares them", async () => {
    const { code, diagnostics } = await validate("route.yaml", "", "");
    expect(diagnostics).toEqual([]);
    expect(code).toBe(0);
  });

  const mistakes: { name: string; file: string; from: string; to: string; code: string; line: number; column: number; message: string }[] = [
    {
      name: "a misspelt key path of an enrich step",
      file: "route.yaml",
      from: "key: clientId, as: client",
      to: "key: clientID, as: client",
      code: "unknown-field",
      line: 8,
      column: 62,
      message: "'clientID' is not a field of psa schema Expense; did you mean 'clientId'?",
    },
    {
      name: "a misspelt field of a composite key",
      file: "route.yaml",
      from: "[currency, projectCurrency]",
      to: "[currency, projectCurency]",
      code: "unknown-field",
      line: 9,
      column: 73,
      message: "'projectCurency' is not a field of psa schema Expense; did you mean 'projectCurrency'?",
    },
    {
      name: "a misspelt date to look up as of",
      file: "route.yaml",
      from: "asOf: expenseDate",
      to: "asOf: expenseDat",
      code: "unknown-field",
      line: 9,
      column: 97,
      message: "'expenseDat' is not a field of psa schema Expense; did you mean 'expenseDate'?",
    },
    {
      name: "a composite identity looked up by one field",
      file: "route.yaml",
      from: "key: [currency, projectCurrency]",
      to: "key: currency",
      code: "lookup-key-count",
      line: 9,
      column: 62,
      message: "FxRate is identified by from, to, but the lookup gives 1 key field: give one per identity field, in that order",
    },
    {
      name: "a date on a cross-reference",
      file: "route.yaml",
      from: "{ lookup: reference-data, entity: Client, key: clientId, as: client }",
      to: "{ lookup: xref, entity: Client, from: psa, to: erp, key: clientId, asOf: expenseDate, as: client }",
      code: "lookup-as-of-xref",
      line: 8,
      column: 82,
      message: "'asOf' applies to reference-data lookups: a cross-reference has no validity period",
    },
    {
      name: "a field of a looked-up record misspelt in a step condition",
      file: "route.yaml",
      from: 'fx.rate != "1"',
      to: 'fx.rat != "1"',
      code: "unknown-field",
      line: 10,
      column: 16,
      message: "'rat' is not a field of psa schema Expense.fx; did you mean 'rate'?",
    },
    {
      name: "a misspelt lookup variable, which no step binds",
      file: "route.yaml",
      from: 'fx.rate != "1"',
      to: '$fxx.rate != "1"',
      code: "unbound-variable",
      line: 10,
      column: 13,
      message: "'$fxx' is not bound at this step: no earlier step enriches the record as 'fxx'; did you mean '$fx'?",
    },
    {
      name: "a misspelt field of a lookup variable in a mapping",
      file: "model.yaml",
      from: '"contact": $client.name',
      to: '"contact": $client.nmae',
      code: "mapping-unknown-path",
      line: 29,
      column: 26,
      message: "the mapping reads '$client.nmae', but 'nmae' is not a field of $client (entity Client); did you mean 'name'?",
    },
    {
      name: "an integer field of a lookup variable put into a string field",
      file: "model.yaml",
      from: '"terms": $string($client.paymentTermsDays)',
      to: '"terms": $client.paymentTermsDays',
      code: "mapping-wrong-type",
      line: 29,
      column: 32,
      message: "'erp schema Bill.terms' is a string, but the mapping puts a number there",
    },
    {
      name: "a route whose map step was deleted, handing the native payload to a mapping of the canonical entity",
      file: "canonical.yaml",
      from: "    - map: psa-expense-to-expense\n",
      to: "",
      code: "mapping-input-mismatch",
      line: 35,
      column: 52,
      message:
        "mapping 'expense-to-erp-bill' reads entity Expense, but the record at this step is psa schema Expense, which lacks entity Expense's required amount; map it to entity Expense first",
    },
    {
      name: "a record kept before it is mapped to its entity",
      file: "canonical.yaml",
      from: "    - map: psa-expense-to-expense\n    - keep:",
      to: "    - keep:",
      code: "keep-record-shape",
      line: 45,
      column: 23,
      message: "a keep step keeps Expense records, but the record at this step is psa schema Expense: map it to entity Expense first",
    },
    {
      name: "a version field that is not a number or a time",
      file: "canonical.yaml",
      from: "version: approvedAt }",
      to: "version: amount }",
      code: "keep-version-type",
      line: 46,
      column: 41,
      message: "the version field 'amount' is a decimal; a version is an integer, a number, a date or a date-time",
    },
    {
      name: "a misspelt version field",
      file: "canonical.yaml",
      from: "version: approvedAt }",
      to: "version: approvedAtt }",
      code: "unknown-field",
      line: 46,
      column: 41,
      message: "'approvedAtt' is not a field of entity Expense; did you mean 'approvedAt'?",
    },
    {
      name: "a misspelt reconciliation measure",
      file: "canonical.yaml",
      from: "entity: Expense, measure: amount }",
      to: "entity: Expense, measure: amout }",
      code: "unknown-field",
      line: 54,
      column: 59,
      message: "'amout' is not a field of entity Expense; did you mean 'amount'?",
    },
    {
      name: "a records lookup that names no fields to match",
      file: "route.yaml",
      from: "lookup: records, entity: Expense, match: [clientId], key",
      to: "lookup: records, entity: Expense, key",
      code: "records-lookup-match",
      line: 12,
      column: 25,
      message: "a records lookup names the entity's fields it compares with the key: add 'match', one field per key path (for example match: [projectId] by data.projectId)",
    },
    {
      name: "a records lookup matching fewer fields than its key gives",
      file: "route.yaml",
      from: "match: [clientId], key: clientId,",
      to: "match: [clientId], key: [clientId, currency],",
      code: "records-lookup-match",
      line: 12,
      column: 58,
      message: "'match' names 1 field(s) but the key gives 2 value(s): one field per key path",
    },
    {
      name: "a misspelt field a records lookup matches",
      file: "route.yaml",
      from: "match: [clientId]",
      to: "match: [clientID]",
      code: "unknown-field",
      line: 12,
      column: 59,
      message: "'clientID' is not a field of entity Expense; did you mean 'clientId'?",
    },
    {
      name: "a records lookup that would wait",
      file: "route.yaml",
      from: "key: clientId, as: earlier }",
      to: "key: clientId, wait: 1h, as: earlier }",
      code: "records-lookup-option",
      line: 12,
      column: 85,
      message: "'wait' applies to lookups of one record; a records lookup reads every matching record kept so far, and none is an empty list",
    },
    {
      name: "fields to match on a lookup of one record",
      file: "route.yaml",
      from: "key: clientId, as: client }",
      to: "key: clientId, match: [clientId], as: client }",
      code: "records-lookup-match",
      line: 8,
      column: 72,
      message: "'match' applies to records lookups; a reference-data lookup finds one record by its identity",
    },
    {
      name: "a misspelt key path in the DSL",
      file: "route.sync",
      from: "by currency, projectCurrency on",
      to: "by currency, projectCurrncy on",
      code: "unknown-field",
      line: 6,
      column: 55,
      message: "'projectCurrncy' is not a field of psa schema Expense; did you mean 'projectCurrency'?",
    },
  ];

  for (const m of mistakes) {
    it(`reports ${m.name}, located`, async () => {
      const { code, diagnostics } = await validate(m.file, m.from, m.to);
      expect(diagnostics.map(where)).toEqual([{ code: m.code, file: m.file, line: m.line, column: m.column, message: m.message }]);
      expect(code).toBe(1);
    });
  }
});
