/**
 * `npm run bench -- lint [--json] [--routes=<n>]`: generates a spec set of 1,000 routes (with the
 * systems, entities, ownerships and mappings they need) in a temporary folder, then times loading
 * it (parse, validate, bind, check) and linting it with the recommended rules, twice in one
 * process (cold, then warm). The last line with --json holds `lintMs` (the lint stage), `totalMs`
 * (load and lint, cold) and `cpuMs` (CPU time of the same, less sensitive to a busy machine);
 * the target is a total under 2 s.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { lintProject } from "../src/compiler/lint/lint.ts";
import { loadProgram } from "../src/compiler/program.ts";

const ENTITIES = 50;

const meta = (name: string) => `metadata:\n  name: ${name}\n  version: 1.0.0\n  team: integration\n  description: Generated for the lint benchmark.\n`;

function system(name: string, role: string, body: string): string {
  return `apiVersion: syncspec.dev/v1
kind: System
${meta(name)}spec:
  role: ${role}
  baseUrl: { env: ${name.toUpperCase()}_BASE_URL, default: "https://${name}.example.com" }
  auth: { type: api-key, header: X-Api-Key, key: { secret: ${name}/api-key } }
  quotas: { requestsPerMinute: 600 }
  classification: [internal]
${body}`;
}

/** Writes the generated set; returns its folder. */
export function generate(routes: number): string {
  const root = mkdtempSync(join(tmpdir(), "syncspec-lint-bench-"));
  const write = (path: string, text: string) => {
    mkdirSync(join(root, path, ".."), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  let psa = "  schemas:\n";
  let events = "  events:\n";
  let erp = "  schemas:\n";
  let operations = "  operations:\n";
  for (let e = 0; e < ENTITIES; e++) {
    psa += `    Record${e}:\n      type: object\n      required: [id, amount]\n      properties:\n        id: { type: string }\n        amount: { type: string }\n        note: { type: string }\n`;
    events += `    changed${e}: { delivery: webhook, payload: Record${e}, entity: Entity${e}, webhook: { path: /hooks/${e}, authentication: { none: { reason: "a generated set that only compiles" } } } }\n`;
    erp += `    Posting${e}:\n      type: object\n      required: [reference, amount]\n      properties:\n        reference: { type: string }\n        amount: { type: string }\n`;
    operations += `    upsert${e}: { method: PUT, path: /postings/${e}, effect: upsert, entity: Entity${e}, request: Posting${e}, idempotency: { mechanism: upsert, externalIdField: reference } }\n`;
    write(
      `specs/entities/entity-${e}.yaml`,
      `apiVersion: syncspec.dev/v1\nkind: Entity\n${meta(`Entity${e}`)}spec:\n  identity: [id]\n  fields:\n    id: { type: string, required: true }\n    amount: { type: money, currencyField: currency, required: true }\n    currency: { type: currency, required: true }\n    note: { type: string }\n`,
    );
    write(
      `specs/ownership/entity-${e}.yaml`,
      `apiVersion: syncspec.dev/v1\nkind: Ownership\n${meta(`entity-${e}`)}spec:\n  entity: Entity${e}\n  systemOfRecord: psa\n  steward: delivery-ops\n  create: [psa, erp]\n  replicas: [erp]\n`,
    );
    write(
      `specs/mappings/record-${e}-to-posting.yaml`,
      `apiVersion: syncspec.dev/v1\nkind: Mapping\n${meta(`record-${e}-to-posting`)}spec:\n  source: { system: psa, schema: Record${e} }\n  target: { system: erp, schema: Posting${e} }\n  expression: |\n    { "reference": id, "amount": amount }\n`,
    );
  }
  write("specs/systems/psa.yaml", system("psa", "psa", psa + events));
  write("specs/systems/erp.yaml", system("erp", "erp", erp + operations));
  for (let r = 0; r < routes; r++) {
    const e = r % ENTITIES;
    write(
      `specs/routes/route-${r}.yaml`,
      `apiVersion: syncspec.dev/v1
kind: Route
${meta(`route-${r}`)}spec:
  trigger: { event: psa.changed${e}, when: "note != 'skip-${r}'" }
  idempotencyKey: [id]
  orderingKey: [id]
  steps:
    - map: record-${e}-to-posting
    - deliver: { operation: erp.upsert${e} }
  policies:
    retry: { maxAttempts: 5, backoff: exponential, initialDelay: 1s, maxDelay: 1m }
    timeout: 30s
    deadLetter: { queue: dlq-${r} }
    exceptions: { queue: exceptions-${r}, owner: finance-ops }
`,
    );
  }
  return root;
}

function measure<T>(work: () => T): { value: T; ms: number; cpuMs: number } {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const value = work();
  const used = process.cpuUsage(cpu);
  return { value, ms: Math.round(performance.now() - started), cpuMs: Math.round((used.user + used.system) / 1000) };
}

async function measureAsync<T>(work: () => Promise<T>): Promise<{ value: T; ms: number; cpuMs: number }> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const value = await work();
  const used = process.cpuUsage(cpu);
  return { value, ms: Math.round(performance.now() - started), cpuMs: Math.round((used.user + used.system) / 1000) };
}

/** One load and lint of the set; the first run in a process also pays for compiling schemas and warming the JIT. */
async function once(root: string) {
  const load = measure(() => loadProgram({ cwd: root }));
  const program = load.value;
  if (!program.ok) throw new Error(`the generated set does not load: ${program.diagnostics[0]?.code}: ${program.diagnostics[0]?.message}`);
  const lint = await measureAsync(() => lintProject(program));
  return { program, findings: lint.value, loadMs: load.ms, lintMs: lint.ms, totalMs: load.ms + lint.ms, cpuMs: load.cpuMs + lint.cpuMs };
}

export async function run({ args }: { json: boolean; args: string[] }): Promise<Record<string, unknown>> {
  const routes = Number(args.find((a) => a.startsWith("--routes="))?.slice("--routes=".length) ?? 1000);
  const root = generate(routes);
  try {
    const cold = await once(root);
    const warm = await once(root);
    const result = {
      routes,
      documents: cold.program.set.documents.length,
      findings: cold.findings.length,
      loadMs: cold.loadMs,
      lintMs: cold.lintMs,
      totalMs: cold.totalMs,
      cpuMs: cold.cpuMs,
      warmLoadMs: warm.loadMs,
      warmLintMs: warm.lintMs,
      warmTotalMs: warm.totalMs,
      targetMs: 2000,
    };
    process.stderr.write(
      `lint bench: ${routes} routes, ${result.documents} documents: load ${result.loadMs} ms, lint ${result.lintMs} ms, total ${result.totalMs} ms (cpu ${result.cpuMs} ms); warm: load ${result.warmLoadMs} ms, lint ${result.warmLintMs} ms\n`,
    );
    return result;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
