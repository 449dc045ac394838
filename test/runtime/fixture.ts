/**
 * A small spec set for the runtime's tests: a PSA that announces activated projects and approved
 * time, an ERP that creates projects and takes cost journals, and a billing platform that queues
 * billable items by upsert. Written to a temporary folder and loaded with loadProgram.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadProgram } from "../../src/compiler/program.ts";
import { compileInMemory } from "../../src/testing/compile-in-memory.ts";
import type { CompiledSpecSet } from "../../src/runtime/pipeline.ts";

const head = (kind: string, name: string) => `apiVersion: syncspec.dev/v1\nkind: ${kind}\nmetadata:\n  name: ${name}\n  version: 1.0.0\n  team: delivery-ops\n`;

export const FIXTURE_FILES: Record<string, string> = {
  "syncspec.yaml": "specs:\n  - specs\n",
  "specs/psa.yaml": `${head("System", "psa")}spec:
  role: psa
  baseUrl: { env: PSA_BASE_URL, default: "http://127.0.0.1:1" }
  auth: { type: bearer, token: { env: PSA_TOKEN, default: "t" } }
  quotas: { requestsPerMinute: 600000, burst: 1000 }
  schemas:
    Project:
      type: object
      required: [projectId, name]
      properties:
        projectId: { type: string }
        name: { type: string }
    Time:
      type: object
      required: [timeEntryId, projectId, minutes]
      properties:
        timeEntryId: { type: string }
        projectId: { type: string }
        minutes: { type: integer }
        billable: { type: boolean }
        seq: { type: integer }
  events:
    projectActivated:
      delivery: webhook
      payload: Project
      entity: Project
      webhook:
        path: /webhooks/psa/projects
        signature: { scheme: hmac-sha256, header: x-psa-signature, encoding: base64, secret: { env: PSA_WEBHOOK_KEY, default: "psa-secret" } }
    timeApproved:
      delivery: webhook
      payload: Time
      entity: TimeEntry
      webhook:
        path: /webhooks/psa/time
        signature: { scheme: hmac-sha256-timestamped, header: x-psa-signature, encoding: hex, timestampHeader: x-psa-timestamp, tolerance: 5m, secret: { env: PSA_WEBHOOK_KEY, default: "psa-secret" } }
`,
  "specs/erp.yaml": `${head("System", "erp")}spec:
  role: erp
  baseUrl: { env: ERP_BASE_URL, default: "http://127.0.0.1:1" }
  auth: { type: bearer, token: { env: ERP_TOKEN, default: "erp-token" } }
  quotas: { requestsPerMinute: 600000, burst: 1000 }
  timeout: 5s
  schemas:
    Project: { type: object, required: [code], properties: { code: { type: string }, name: { type: string } } }
    Journal: { type: object, required: [projectId, minutes], properties: { projectId: { type: string }, minutes: { type: integer } } }
  operations:
    createProject:
      method: POST
      path: /projects
      effect: create
      entity: Project
      request: Project
      idempotency: { mechanism: key-header, header: Idempotency-Key }
    postCostJournal:
      method: POST
      path: /journals
      effect: create
      entity: TimeEntry
      request: Journal
      idempotency: { mechanism: key-header, header: Idempotency-Key }
`,
  "specs/billing.yaml": `${head("System", "billing")}spec:
  role: billing
  baseUrl: { env: BILLING_BASE_URL, default: "http://127.0.0.1:1" }
  auth: { type: api-key, header: X-Api-Key, key: { env: BILLING_KEY, default: "billing-key" } }
  quotas: { requestsPerMinute: 600000, burst: 1000 }
  operations:
    queueItem:
      method: PUT
      path: /items
      effect: upsert
      entity: TimeEntry
      idempotency: { mechanism: upsert, externalIdField: reference }
`,
  "specs/project.yaml": `${head("Entity", "Project")}spec:
  identity: [projectId]
  fields:
    projectId: { type: string, required: true }
    name: { type: string, required: true }
`,
  "specs/time-entry.yaml": `${head("Entity", "TimeEntry")}spec:
  identity: [timeEntryId]
  fields:
    timeEntryId: { type: string, required: true }
    projectId: { type: reference, entity: Project, required: true }
    minutes: { type: integer, required: true }
    billable: { type: boolean }
    erpProjectId: { type: string, description: "The ERP's id of the project, added by enrichment." }
`,
  "specs/ownership.yaml": `${head("Ownership", "project")}spec:
  entity: Project
  systemOfRecord: psa
  steward: delivery-ops
  create: [psa, erp]
  replicas: [erp]
---
${head("Ownership", "time")}spec:
  entity: TimeEntry
  systemOfRecord: psa
  steward: delivery-ops
  create: [psa, erp, billing]
  replicas: [erp, billing]
`,
  "specs/mappings.yaml": `${head("Mapping", "project-to-erp")}spec:
  source: { system: psa, schema: Project }
  target: { system: erp, schema: Project }
  expression: '{ "code": projectId, "name": name }'
---
${head("Mapping", "time-to-journal")}spec:
  source: { entity: TimeEntry }
  target: { system: erp, schema: Journal }
  expression: '{ "projectId": erpProjectId, "minutes": minutes }'
`,
  "specs/routes.yaml": `${head("Route", "project-activation")}spec:
  trigger: { event: psa.projectActivated }
  idempotencyKey: [projectId]
  orderingKey: [projectId]
  steps:
    - deliver: { operation: erp.createProject, mapping: project-to-erp }
  policies:
    retry: { maxAttempts: 5, backoff: exponential, initialDelay: 100ms, maxDelay: 5s }
    deadLetter: { queue: projects-dlq }
    exceptions: { queue: project-exceptions, owner: delivery-ops }
---
${head("Route", "time-to-revenue")}spec:
  trigger: { event: psa.timeApproved }
  idempotencyKey: [timeEntryId]
  orderingKey: [projectId]
  steps:
    - { id: check, validate: TimeEntry }
    - { id: project-exists, require: { entity: Project, system: erp, key: projectId, wait: 1h } }
    - { id: erp-project, enrich: { lookup: xref, entity: Project, from: psa, to: erp, key: projectId, as: erpProjectId } }
    - id: kind
      classify:
        as: kind
        rules: [{ when: "billable = true", value: billable }]
        otherwise: internal
    - { id: cost, deliver: { operation: erp.postCostJournal, mapping: time-to-journal } }
    - id: bill
      when: "billable = true"
      deliver: { operation: billing.queueItem }
  policies:
    retry: { maxAttempts: 10, backoff: exponential, initialDelay: 100ms, maxDelay: 2s }
    circuitBreaker: { failureThreshold: 5, resetAfter: 1s, halfOpenProbes: 2 }
    deadLetter: { queue: time-dlq }
    exceptions: { queue: time-exceptions, owner: finance-ops }
`,
};

/** Writes the fixture spec set (with `overrides` replacing or adding files) to a new temp folder. */
export function writeFixture(overrides: Record<string, string> = {}): string {
  const root = mkdtempSync(join(tmpdir(), "syncspec-runtime-"));
  for (const [path, text] of Object.entries({ ...FIXTURE_FILES, ...overrides })) {
    const full = join(root, path);
    mkdirSync(join(full, ".."), { recursive: true });
    writeFileSync(full, text);
  }
  return root;
}

/** Loads the fixture and returns its compiled definitions; throws with the diagnostics when it does not load. */
export function compiledFixture(overrides: Record<string, string> = {}): { root: string; compiled: CompiledSpecSet } {
  const root = writeFixture(overrides);
  const program = loadProgram({ cwd: root });
  if (!program.ok) throw new Error(program.diagnostics.map((d) => `${d.code}: ${d.message}`).join("\n"));
  return { root, compiled: compileInMemory(program) };
}
