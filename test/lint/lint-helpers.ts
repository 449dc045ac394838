/**
 * Test helpers for the linter: a small spec set that passes every built-in rule, a way to edit
 * one of its files, and a runner that writes a set to a temporary folder, loads and lints it,
 * and returns the findings as `{ code, message, at: "file:line:col" }`.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { expect } from "vitest";
import { lineAndColumn } from "../../src/compiler/diagnostics/source-file.ts";
import { type LintDiagnostic, type LintOptions, lintProject } from "../../src/compiler/lint/lint.ts";
import { loadProgram } from "../../src/compiler/program.ts";

/** A rule's table: spec sets and the exact findings of that rule for each. */
export interface RuleTable {
  rule: string;
  rows: { name: string; files: SpecFiles; expected: Finding[] }[];
}

/** Files by path relative to the project root. */
export type SpecFiles = Record<string, string>;

/** A finding as the rule tests compare it. */
export interface Finding {
  code: string;
  message: string;
  at: string;
}

const metadata = (name: string, extra = "") => `metadata:
  name: ${name}
  version: 1.0.0
  team: integration
  description: ${name} for tests.${extra}
`;

/** A spec set that passes every built-in rule: PSA time approved, carried to the ERP. */
export const cleanSet: SpecFiles = {
  "specs/systems/psa.yaml": `apiVersion: syncspec.dev/v1
kind: System
${metadata("psa")}spec:
  role: psa
  baseUrl: { env: PSA_BASE_URL, default: "https://psa.example.com/api" }
  auth:
    type: oauth2-client-credentials
    tokenUrl: { env: PSA_TOKEN_URL, default: "https://psa.example.com/token" }
    clientId: { env: PSA_CLIENT_ID }
    clientSecret: { secret: psa/client-secret }
  quotas: { requestsPerMinute: 60, concurrency: 4 }
  classification: [internal, pii]
  schemas:
    TimeEntry:
      type: object
      required: [timeEntryId, minutes]
      properties:
        timeEntryId: { type: string }
        minutes: { type: integer }
        userEmail: { type: string, x-classification: pii }
  events:
    timeApproved:
      delivery: webhook
      payload: TimeEntry
      entity: TimeEntry
      webhook: { path: /hooks/time, authentication: { bearer: { token: { secret: psa/hook-token } } } }
`,
  "specs/systems/erp.yaml": `apiVersion: syncspec.dev/v1
kind: System
${metadata("erp")}spec:
  role: erp
  baseUrl: { env: ERP_BASE_URL, default: "https://erp.example.com" }
  auth:
    type: api-key
    header: X-Api-Key
    key: { secret: erp/api-key }
  quotas: { requestsPerMinute: 120 }
  classification: [internal]
  schemas:
    Journal:
      type: object
      required: [reference, hours]
      properties:
        reference: { type: string }
        hours: { type: string }
  operations:
    upsertTime:
      method: PUT
      path: /journals
      effect: upsert
      entity: TimeEntry
      request: Journal
      idempotency: { mechanism: upsert, externalIdField: reference }
`,
  "specs/entities/time-entry.yaml": `apiVersion: syncspec.dev/v1
kind: Entity
${metadata("TimeEntry")}spec:
  identity: [timeEntryId]
  fields:
    timeEntryId: { type: string, required: true }
    hours: { type: decimal, scale: 2, required: true }
    billAmount: { type: money, currencyField: currency }
    currency: { type: currency }
`,
  "specs/ownership/time-entry.yaml": `apiVersion: syncspec.dev/v1
kind: Ownership
${metadata("time-entry")}spec:
  entity: TimeEntry
  systemOfRecord: psa
  steward: delivery-ops
  create: [psa, erp]
  replicas: [erp]
`,
  "specs/mappings/time-to-journal.yaml": `apiVersion: syncspec.dev/v1
kind: Mapping
${metadata("time-to-journal")}spec:
  source: { system: psa, schema: TimeEntry }
  target: { system: erp, schema: Journal }
  expression: |
    { "reference": timeEntryId, "hours": $string(minutes / 60) }
`,
  "specs/routes/time-to-erp.yaml": `apiVersion: syncspec.dev/v1
kind: Route
${metadata("time-to-erp")}spec:
  trigger: { event: psa.timeApproved }
  idempotencyKey: [timeEntryId]
  orderingKey: [timeEntryId]
  steps:
    - map: time-to-journal
    - deliver: { operation: erp.upsertTime }
  policies:
    retry: { maxAttempts: 5, backoff: exponential, initialDelay: 1s, maxDelay: 1m }
    timeout: 30s
    deadLetter: { queue: time-dlq }
    exceptions: { queue: time-exceptions, owner: finance-ops }
`,
};

/** A Policy document file with the given `spec` body (indented two spaces). */
export function policyFile(spec: string): SpecFiles {
  return {
    "specs/policy.yaml": `apiVersion: syncspec.dev/v1
kind: Policy
${metadata("governance")}spec:
${spec}`,
  };
}

/** Returns a copy of `files` with one replacement in one file; fails the test if `from` is absent. */
export function edit(files: SpecFiles, path: string, from: string, to: string): SpecFiles {
  const text = files[path];
  expect(text, `no file ${path}`).toBeDefined();
  expect(text?.includes(from), `${path} does not contain ${JSON.stringify(from)}`).toBe(true);
  return { ...files, [path]: (text ?? "").replace(from, to) };
}

/** Writes files to a new temporary folder; returns it. */
export function writeSet(files: SpecFiles): string {
  const root = mkdtempSync(join(tmpdir(), "syncspec-lint-"));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

/** Loads and lints a spec set; the set must pass the front end. */
export async function lintFiles(files: SpecFiles, options: LintOptions = {}): Promise<{ findings: Finding[]; raw: LintDiagnostic[] }> {
  const root = writeSet(files);
  try {
    const program = loadProgram({ cwd: root });
    expect(program.diagnostics.map((d) => `${d.code}: ${d.message}`)).toEqual([]);
    const raw = await lintProject(program, options);
    const findings = raw.map((d) => {
      const where = d.location === undefined ? "" : `${d.location.file.path.slice(root.length + 1)}:${Object.values(lineAndColumn(d.location.file, d.location.start)).join(":")}`;
      return { code: d.code, message: d.message, at: where };
    });
    return { findings, raw };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** The findings of one rule. */
export async function findingsOf(rule: string, files: SpecFiles, options: LintOptions = {}): Promise<Finding[]> {
  return (await lintFiles(files, options)).findings.filter((f) => f.code === rule);
}
