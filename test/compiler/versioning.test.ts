/** A route's versioned record: its identity and version fields exist, and its version orders (located errors otherwise). */
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
    TimeEntry: { type: object, properties: { timeEntryId: { type: string }, version: { type: integer }, modifiedAt: { type: string, format: date-time }, note: { type: string }, locked: { type: boolean } } }
  events: { timeEntryApproved: { delivery: webhook, payload: TimeEntry, webhook: { path: /hooks/psa } } }
---
apiVersion: syncspec.dev/v1
kind: System
metadata: { name: erp }
spec: { role: erp, baseUrl: { env: ERP_URL }, auth: { type: bearer, token: { secret: erp-token } },
        schemas: { Journal: { type: object } }, operations: { postJournal: { method: POST, path: /journals, effect: create, request: Journal } } }
`,
  "route.yaml": `apiVersion: syncspec.dev/v1
kind: Route
metadata: { name: time }
spec:
  trigger: { event: psa.timeEntryApproved }
  idempotencyKey: [timeEntryId]
  versioning: { identity: [timeEntryId], version: version }
  steps:
    - deliver: { operation: erp.postJournal }
`,
};

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

  it("refuses an idempotency key that contains the version, at the key's entry", async () => {
    const found = await validate("idempotencyKey: [timeEntryId]", "idempotencyKey: [timeEntryId, version]");
    expect(found.code).not.toBe(0);
    expect(found.diagnostics).toEqual([
      {
        code: "version-in-key",
        line: 6,
        column: 33,
        message:
          "the idempotency key contains the version field 'version': every version would post again beside the one before it; key the route by the source's event id or the record's identity",
      },
    ]);
  });

  it("reads versioning in the DSL and formats it back", async () => {
    const dsl = `route time {
  on psa.timeEntryApproved
  key timeEntryId
  versioning { identity [timeEntryId], version note }

  steps {
    deliver erp.postJournal
  }
}
`;
    const dir = writeSpecSet({ "systems.yaml": files["systems.yaml"]!, "route.sync": dsl });
    const checked = await runCli(["validate", ".", "--format", "json"], dir);
    const found = (JSON.parse(checked.stdout) as { diagnostics: Found[] }).diagnostics;
    expect(found.map((d) => [d.code, d.line])).toEqual([["version-unordered", 4]]);
    const formatted = await runCli(["fmt", "route.sync", "--to", "yaml"], dir);
    expect(formatted.stdout).toContain("  versioning:\n    identity:\n      - timeEntryId\n    version: note\n");
    const again = await runCli(["fmt", "route.sync", "--check"], dir);
    expect(again.code).toBe(0);
  });

  it("names an identity or version field the payload does not have, where it is written", async () => {
    const found = await validate("identity: [timeEntryId]", "identity: [timeEntryID]");
    expect(found.code).not.toBe(0);
    expect(found.diagnostics.map((d) => [d.code, d.line, d.message])).toEqual([
      ["unknown-field", 7, "'timeEntryID' is not a field of psa schema TimeEntry; did you mean 'timeEntryId'?"],
    ]);
  });
});
