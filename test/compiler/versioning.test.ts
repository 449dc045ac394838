/** A route's versioned record: its identity and version fields exist, and its version orders (located errors otherwise). */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
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
  operations: { updateEntry: { method: PUT, path: /entries, effect: update, request: TimeEntry } }
  schemas:
    TimeEntry: { type: object, properties: { timeEntryId: { type: string }, version: { type: integer }, modifiedAt: { type: string, format: date-time }, note: { type: string }, locked: { type: boolean } } }
  events: { timeEntryApproved: { delivery: webhook, payload: TimeEntry, webhook: { path: /hooks/psa } }, timeEntryVoided: { delivery: webhook, payload: TimeEntry, webhook: { path: /hooks/psa/void } } }
---
apiVersion: syncspec.dev/v1
kind: System
metadata: { name: erp }
spec: { role: erp, baseUrl: { env: ERP_URL }, auth: { type: bearer, token: { secret: erp-token } },
        schemas: { Journal: { type: object } },
        operations: { postJournal: { method: POST, path: /journals, effect: create, request: Journal },
                      reverseJournal: { method: POST, path: "/journals/{journalId}/reversal", effect: create, request: Journal } } }
`,
  "route.yaml": `apiVersion: syncspec.dev/v1
kind: Route
metadata: { name: time }
spec:
  trigger: { event: psa.timeEntryApproved }
  idempotencyKey: [timeEntryId]
  versioning: { identity: [timeEntryId], version: version }
  steps:
    - deliver: { operation: erp.postJournal, correction: { reverse: { operation: erp.reverseJournal, params: { journalId: $previous.targetId } } } }
`,
};

/** The correction the route's deliver step declares. */
const CORRECTION = ", correction: { reverse: { operation: erp.reverseJournal, params: { journalId: $previous.targetId } } }";

interface Found {
  code: string;
  line: number;
  column: number;
  message: string;
}

async function validate(from: string, to: string) {
  const source = files["route.yaml"]!;
  expect(source).toContain(from);
  const dir = writeSpecSet({ ...files, "route.yaml": source.replace(from, to) });
  const result = await runCli(["validate", ".", "--format", "json"], dir);
  const diagnostics = (JSON.parse(result.stdout) as { diagnostics: Found[] }).diagnostics.map((d) => ({ code: d.code, line: d.line, column: d.column, message: d.message }));
  return { code: result.code, diagnostics };
}

/** Validates the route with several replacements made. */
async function validate2(...edits: [string, string][]) {
  let source = files["route.yaml"]!;
  for (const [from, to] of edits) {
    expect(source).toContain(from);
    source = source.replace(from, to);
  }
  const dir = writeSpecSet({ ...files, "route.yaml": source });
  const result = await runCli(["validate", ".", "--format", "json"], dir);
  const diagnostics = (JSON.parse(result.stdout) as { diagnostics: Found[] }).diagnostics.map((d) => ({ code: d.code, line: d.line, column: d.column, message: d.message }));
  return { code: result.code, diagnostics };
}

describe("versioned records in the checker", () => {
  it("accepts an integer or a date-time version", async () => {
    expect(await validate("", "")).toEqual({ code: 0, diagnostics: [] });
    expect(await validate("version: version }", "version: modifiedAt }")).toEqual({ code: 0, diagnostics: [] });
  });

  it("refuses a version whose type does not order, at the version key", async () => {
    const found = await validate("version: version }", "version: note }");
    expect(found.code).not.toBe(0);
    expect(found.diagnostics).toEqual([
      {
        code: "version-unordered",
        line: 7,
        column: 51,
        message: "the version field 'note' is of type string, whose values do not order; a version must be an integer, a number or a date-time",
      },
    ]);
    const boolean = await validate("version: version }", "version: locked }");
    expect(boolean.diagnostics.map((d) => [d.code, d.message])).toEqual([
      ["version-unordered", "the version field 'locked' is of type boolean, whose values do not order; a version must be an integer, a number or a date-time"],
    ]);
  });

  it("refuses an idempotency key that contains the version when no step corrects, at the key's entry", async () => {
    const corrected = await validate("idempotencyKey: [timeEntryId]", "idempotencyKey: [timeEntryId, version]");
    expect(corrected).toEqual({ code: 0, diagnostics: [] });
    const found = await validate2(
      ["idempotencyKey: [timeEntryId]", "idempotencyKey: [timeEntryId, version]"],
      [CORRECTION, ""],
    );
    expect(found.code).not.toBe(0);
    expect(found.diagnostics).toEqual([
      {
        code: "version-in-key",
        line: 6,
        column: 33,
        message:
          "the idempotency key contains the version field 'version' and no deliver step declares a correction: every version would post again beside the one before it; key the route by the source's event id or the record's identity, or declare a correction",
      },
      {
        code: "correction-missing",
        line: 9,
        column: 7,
        message:
          "erp.postJournal posts a versioned record, but the step declares no correction: a newer version would post again beside the one before it; declare 'correction' with 'reverse', 'adjust' or 'update'; erp offers 'erp.reverseJournal'",
      },
    ]);
  });

  it("refuses a posting step of a versioned route without a correction, at the deliver key, naming the operations that could correct", async () => {
    const found = await validate(CORRECTION, "");
    expect(found.code).not.toBe(0);
    expect(found.diagnostics.map((d) => [d.code, d.line, d.column])).toEqual([["correction-missing", 9, 7]]);
  });

  it("refuses a correction with no way or two ways, at the correction", async () => {
    const none = await validate(CORRECTION, ", correction: {}");
    expect(none.diagnostics.map((d) => [d.code, d.line, d.column, d.message])).toEqual([
      ["correction-kind", 9, 58, "a correction takes exactly one of 'reverse', 'adjust' or 'update', this one has none"],
    ]);
    const two = await validate(CORRECTION, CORRECTION.replace("} } }", "} }, adjust: { operation: erp.postJournal } }"));
    expect(two.diagnostics.map((d) => [d.code, d.line, d.message])).toEqual([
      ["correction-kind", 9, "a correction takes exactly one of 'reverse', 'adjust' or 'update', this one has 2"],
    ]);
  });

  it("refuses a correction that calls another system than the one the step posted to, at its operation", async () => {
    const found = await validate(CORRECTION, ", correction: { reverse: { operation: psa.updateEntry } }");
    expect(found.diagnostics.map((d) => [d.code, d.line, d.column, d.message])).toEqual([
      ["correction-system", 9, 82, "the correction calls psa.updateEntry, but what this step posted is held by erp: a correction calls an operation of the system it corrects"],
    ]);
  });

  it("refuses a correction on a route without versioning, at the correction key", async () => {
    const found = await validate("  versioning: { identity: [timeEntryId], version: version }\n", "");
    expect(found.diagnostics.map((d) => [d.code, d.line, d.column, d.message])).toEqual([
      ["correction-unversioned", 8, 46, "the route declares no 'versioning', so this correction never runs: declare the record's identity and version, or remove the correction"],
    ]);
  });

  it("refuses an adjustment on a route whose record can be voided, and a void event the source does not send", async () => {
    const voidable = "version: version, void: { event: psa.timeEntryVoided } }";
    const adjusting = await validate2(["version: version }", voidable], [CORRECTION, ", correction: { adjust: { operation: erp.postJournal } }"]);
    expect(adjusting.diagnostics.map((d) => [d.code, d.line, d.column, d.message])).toEqual([
      ["void-needs-reverse", 9, 60, "the record is voided by psa.timeEntryVoided, which only reverses what was posted, but this step corrects by 'adjust'; declare 'reverse' for a record that can be voided"],
    ]);
    const unknown = await validate("version: version }", "version: version, void: { event: psa.timeEntryVoid } }");
    expect(unknown.diagnostics.map((d) => [d.code, d.line, d.message])).toEqual([["unknown-reference", 7, "unknown event 'psa.timeEntryVoid'; did you mean 'psa.timeEntryVoided'?"]]);
  });

  it("type-checks a correction's mapping with $previous bound, its body as the posted request", async () => {
    const mapping = `apiVersion: syncspec.dev/v1
kind: Mapping
metadata: { name: reversal }
spec:
  source: { system: psa, schema: TimeEntry }
  target: { system: erp, schema: Reversal }
  expression: '{ "hours": $previous.body.hourz, "journalId": $previous.targetId }'
`;
    const dir = writeSpecSet({
      ...files,
      "systems.yaml": files["systems.yaml"]!.replace("schemas: { Journal: { type: object } }", "schemas: { Journal: { type: object, properties: { hours: { type: number } } }, Reversal: { type: object, properties: { hours: { type: number }, journalId: { type: string } } } }")
        .replace("reverseJournal: { method: POST, path: \"/journals/{journalId}/reversal\", effect: create, request: Journal }", "reverseJournal: { method: POST, path: \"/journals/{journalId}/reversal\", effect: create, request: Reversal }"),
      "route.yaml": files["route.yaml"]!.replace("operation: erp.reverseJournal,", "operation: erp.reverseJournal, mapping: reversal,"),
      "mapping.yaml": mapping,
    });
    const result = await runCli(["validate", ".", "--format", "json"], dir);
    const found = (JSON.parse(result.stdout) as { diagnostics: Found[] }).diagnostics.map((d) => [d.code, d.line, d.column, d.message]);
    expect(found).toEqual([
      ["mapping-unknown-path", 7, 42, "the mapping reads '$previous.body.hourz', but 'hourz' is not a field of $previous.body (the request erp.postJournal posted at step step-1 of route time); did you mean 'hours'?"],
    ]);
  });

  it("reads versioning and a correction in the DSL and formats them back", async () => {
    // A misspelt way is refused where it is written, naming the ways there are.
    const misspelt = writeSpecSet({ "systems.yaml": files["systems.yaml"]!, "route.sync": "route time {\n  on psa.timeEntryApproved\n  key timeEntryId\n  versioning { identity [timeEntryId], version version }\n\n  steps {\n    deliver erp.postJournal correct by revers erp.reverseJournal\n  }\n}\n" });
    const refused = (JSON.parse((await runCli(["validate", ".", "--format", "json"], misspelt)).stdout) as { diagnostics: Found[] }).diagnostics;
    expect(refused.map((d) => [d.code, d.line, d.column, d.message])).toEqual([["unknown-key", 7, 40, "unknown key 'revers' in spec.steps[0].deliver.correction; did you mean 'reverse'?"]]);
    const dsl = `route time {
  on psa.timeEntryApproved
  key timeEntryId
  versioning { identity [timeEntryId], version note }

  steps {
    deliver erp.postJournal correct by reverse erp.reverseJournal with journalId: {{ $previous.targetId }}
  }
}
`;
    const dir = writeSpecSet({ "systems.yaml": files["systems.yaml"]!, "route.sync": dsl });
    const checked = await runCli(["validate", ".", "--format", "json"], dir);
    const found = (JSON.parse(checked.stdout) as { diagnostics: Found[] }).diagnostics;
    expect(found.map((d) => [d.code, d.line])).toEqual([["version-unordered", 4]]);
    const formatted = await runCli(["fmt", "route.sync", "--to", "yaml"], dir);
    expect(formatted.stdout).toContain("  versioning:\n    identity:\n      - timeEntryId\n    version: note\n");
    expect(formatted.stdout).toContain("        correction:\n          reverse:\n            operation: erp.reverseJournal\n            params:\n              journalId: $previous.targetId\n");
    const again = await runCli(["fmt", "route.sync", "--check"], dir);
    expect(again.code).toBe(0);
  });

  it("writes the correction and the void into spec docs, and explains a missing correction", async () => {
    const source = files["route.yaml"]!.replace("version: version }", "version: version, void: { event: psa.timeEntryVoided } }");
    const dir = writeSpecSet({ ...files, "route.yaml": source });
    const docs = await runCli(["docs", ".", "--out", "site"], dir);
    expect(docs.code).toBe(0);
    const page = readdirSync(join(dir, "site")).filter((f) => f.endsWith(".html")).map((f) => readFileSync(join(dir, "site", f), "utf8")).join("\n");
    expect(page).toContain("a newer version first reverses what was posted through erp.reverseJournal, then posts");
    expect(page).toContain("voided by psa.timeEntryVoided (what stands posted is reversed, nothing is posted)");
    const explained = await runCli(["explain", "correction-missing"], dir);
    expect(explained.code).toBe(0);
    expect(explained.stdout).toContain("Add 'correction' to the deliver step");
  });

  it("names an identity or version field the payload does not have, where it is written", async () => {
    const found = await validate("identity: [timeEntryId]", "identity: [timeEntryID]");
    expect(found.code).not.toBe(0);
    expect(found.diagnostics.map((d) => [d.code, d.line, d.message])).toEqual([
      ["unknown-field", 7, "'timeEntryID' is not a field of psa schema TimeEntry; did you mean 'timeEntryId'?"],
    ]);
  });
});
