/**
 * `spec init [dir]`: starts a project: the project file and a first spec set (one system, one
 * entity, its ownership, a policy) that validates, with editor schema hints on every file.
 * It never overwrites a file.
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { SCHEMAS_DIR, schemaFileName, type KindName } from "../model/index.ts";
import { type Command, parseCommandArgs } from "./command.ts";
import { EXIT, UsageError } from "./io.ts";

function schemaLine(file: string, kind: KindName | "config"): string {
  const schema = fileURLToPath(new URL(schemaFileName(kind), SCHEMAS_DIR));
  return `# yaml-language-server: $schema=${relative(dirname(file), schema)}\n`;
}

const starter: { path: string; kind: KindName | "config"; body: string }[] = [
  { path: "syncspec.yaml", kind: "config", body: "specs: [specs]\nout: generated\npolicy: governance\n" },
  {
    path: "specs/systems/psa.yaml",
    kind: "System",
    body: `apiVersion: syncspec.dev/v1
kind: System
metadata:
  name: psa
  version: 0.1.0
  team: integration-platform
  description: The professional services automation platform.
spec:
  role: psa
  baseUrl: { env: PSA_BASE_URL, default: "https://psa.example.com/api" }
  auth: { type: bearer, token: { secret: psa-token } }
  quotas: { requestsPerMinute: 60, concurrency: 5 }
  schemas:
    Project:
      type: object
      required: [projectId, name]
      properties:
        projectId: { type: string }
        name: { type: string }
  events:
    projectActivated:
      delivery: webhook
      payload: Project
      webhook:
        path: /hooks/psa
        authentication: { bearer: { token: { secret: psa-webhook-token } } }
`,
  },
  {
    path: "specs/entities/project.yaml",
    kind: "Entity",
    body: `apiVersion: syncspec.dev/v1
kind: Entity
metadata:
  name: Project
  version: 0.1.0
  team: delivery-ops
  description: A client engagement delivered by the firm.
spec:
  identity: [projectId]
  fields:
    projectId: { type: string, required: true }
    name: { type: string, required: true }
`,
  },
  {
    path: "specs/ownership/project.yaml",
    kind: "Ownership",
    body: `apiVersion: syncspec.dev/v1
kind: Ownership
metadata:
  name: project-ownership
  version: 0.1.0
  team: delivery-ops
  description: Projects are created and run in the PSA.
spec:
  entity: Project
  systemOfRecord: psa
  steward: delivery-ops
  create: [psa]
`,
  },
  {
    path: "specs/governance/policy.yaml",
    kind: "Policy",
    body: `apiVersion: syncspec.dev/v1
kind: Policy
metadata:
  name: governance
  version: 0.1.0
  team: integration-platform
  description: The rules every spec in this project follows.
spec:
  extends: recommended
`,
  },
];

export const initCommand: Command = {
  name: "init",
  summary: "Start a project: syncspec.yaml and a first spec set that validates",
  usage: "spec init [dir]",
  run(args, io) {
    const { positionals } = parseCommandArgs(args, {});
    if (positionals.length > 1) throw new UsageError("give at most one folder");
    const root = resolve(io.cwd, positionals[0] ?? ".");
    const existing = starter.map((f) => join(root, f.path)).filter((p) => existsSync(p));
    if (existing.length > 0) {
      io.stderr(`spec init: not overwriting ${existing.map((p) => relative(io.cwd, p) || p).join(", ")}\n`);
      return EXIT.findings;
    }
    for (const file of starter) {
      const full = join(root, file.path);
      mkdirSync(dirname(full), { recursive: true });
      writeFileSync(full, `${schemaLine(full, file.kind)}${file.body}`);
      io.stdout(`created ${relative(io.cwd, full)}\n`);
    }
    io.stdout("next: spec validate\n");
    return EXIT.ok;
  },
};
