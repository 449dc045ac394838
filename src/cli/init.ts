/**
 * `spec init [dir]`: starts a project: the project file and a first spec set that compiles (two
 * systems, one entity, its ownership, two mappings, a route delivering to the ERP, a policy), with
 * editor schema hints on every file, and the package.json a service needs to run it (the
 * `syncspec` runtime, the `@syncspec/cli` compiler as a development dependency, the scripts). It
 * never overwrites a file: in a folder that already has a project it refuses and changes nothing.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { PACKAGE_VERSION } from "../package-version.ts";
import { SCHEMAS_DIR, schemaFileName, type KindName } from "../model/index.ts";
import { type Command, parseCommandArgs } from "./command.ts";
import { EXIT, UsageError } from "./io.ts";

function schemaLine(file: string, kind: KindName | "config"): string {
  const schema = fileURLToPath(new URL(schemaFileName(kind), SCHEMAS_DIR));
  return `# yaml-language-server: $schema=${relative(dirname(file), schema)}\n`;
}

const starter: { path: string; kind: KindName | "config"; body: string }[] = [
  { path: "syncspec.yaml", kind: "config", body: "specs: [specs]\nout: generated\ntarget: js+dts\npolicy: governance\n" },
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
    path: "specs/systems/erp.yaml",
    kind: "System",
    body: `apiVersion: syncspec.dev/v1
kind: System
metadata:
  name: erp
  version: 0.1.0
  team: integration-platform
  description: The ERP, where each project becomes a cost dimension.
spec:
  role: erp
  baseUrl: { env: ERP_BASE_URL, default: "https://erp.example.com/api" }
  auth: { type: bearer, token: { secret: erp-token } }
  quotas: { requestsPerMinute: 120, concurrency: 5 }
  schemas:
    ErpProject:
      type: object
      required: [code, name]
      properties:
        code: { type: string }
        name: { type: string }
  operations:
    createProject:
      method: POST
      path: /projects
      effect: create
      entity: Project
      request: ErpProject
      response: ErpProject
      idempotency: { mechanism: key-header, header: Idempotency-Key }
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
  description: Projects are created and run in the PSA; the ERP keeps a copy to post costs against.
spec:
  entity: Project
  systemOfRecord: psa
  steward: delivery-ops
  create: [psa, erp]
`,
  },
  {
    path: "specs/mappings/psa-project-to-project.yaml",
    kind: "Mapping",
    body: `apiVersion: syncspec.dev/v1
kind: Mapping
metadata:
  name: psa-project-to-project
  version: 0.1.0
  team: delivery-ops
  description: The PSA's project as the canonical Project.
spec:
  source: { system: psa, schema: Project }
  target: { entity: Project }
  expression: |
    { "projectId": projectId, "name": name }
  tests:
    - name: a project keeps its id and name
      input: { projectId: "p-1", name: "Audit 2026" }
      expect: { projectId: "p-1", name: "Audit 2026" }
`,
  },
  {
    path: "specs/mappings/project-to-erp-project.yaml",
    kind: "Mapping",
    body: `apiVersion: syncspec.dev/v1
kind: Mapping
metadata:
  name: project-to-erp-project
  version: 0.1.0
  team: delivery-ops
  description: The canonical Project as the ERP's project dimension.
spec:
  source: { entity: Project }
  target: { system: erp, schema: ErpProject }
  expression: |
    { "code": projectId, "name": name }
  tests:
    - name: the project id becomes the ERP code
      input: { projectId: "p-1", name: "Audit 2026" }
      expect: { code: "p-1", name: "Audit 2026" }
`,
  },
  {
    path: "specs/routes/project-to-erp.yaml",
    kind: "Route",
    body: `apiVersion: syncspec.dev/v1
kind: Route
metadata:
  name: project-to-erp
  version: 0.1.0
  team: delivery-ops
  description: An activated project in the PSA is created in the ERP, once.
spec:
  trigger: { event: psa.projectActivated }
  idempotencyKey: [projectId]
  orderingKey: [projectId]
  steps:
    - id: to-canonical
      map: psa-project-to-project
    - id: check
      validate: Project
    - id: create-in-erp
      deliver: { operation: erp.createProject, mapping: project-to-erp-project }
  policies:
    retry: { maxAttempts: 5, backoff: exponential, initialDelay: 1s, maxDelay: 5m, jitter: full }
    timeout: 30s
    deadLetter: { queue: project-to-erp-dead }
    exceptions: { queue: project-exceptions, owner: delivery-ops, sla: 4h }
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

/** The scripts a new project needs: compile, check (what CI runs) and test. */
const SCRIPTS: Readonly<Record<string, string>> = {
  compile: "spec compile",
  check: "spec compile --check && spec lint",
  test: "spec test",
};

type Manifest = Record<string, unknown> & { scripts?: Record<string, string>; dependencies?: Record<string, string>; devDependencies?: Record<string, string> };

/** A package name npm accepts, from the folder's name. */
function packageName(root: string): string {
  const name = basename(root).toLowerCase().replace(/[^a-z0-9._~-]+/g, "-").replace(/^[._-]+|-+$/g, "");
  return name === "" ? "syncspec-project" : name.slice(0, 214);
}

/**
 * The project's package.json: a new one, or the folder's own with what is missing added (the
 * runtime as a dependency, the CLI as a development dependency, the scripts). Entries already
 * there are kept. A string is a reason to refuse.
 */
function manifestFor(root: string): { text: string; kept: string[]; created: boolean } | string {
  const path = join(root, "package.json");
  const range = `^${PACKAGE_VERSION}`;
  if (!existsSync(path)) {
    const manifest = {
      name: packageName(root),
      version: "0.1.0",
      private: true,
      type: "module",
      scripts: { ...SCRIPTS },
      dependencies: { syncspec: range },
      devDependencies: { "@syncspec/cli": range },
    };
    return { text: `${JSON.stringify(manifest, null, 2)}\n`, kept: [], created: true };
  }
  let manifest: Manifest;
  try {
    manifest = JSON.parse(readFileSync(path, "utf8")) as Manifest;
  } catch (error) {
    return `package.json is not valid JSON (${(error as Error).message})`;
  }
  if (manifest === null || typeof manifest !== "object" || Array.isArray(manifest)) return "package.json does not hold a JSON object";
  if (manifest["type"] === "commonjs") return 'package.json says "type": "commonjs", but generated code is ES modules: set "type": "module" first';
  const kept: string[] = [];
  const next: Manifest = { ...manifest, type: "module" };
  const scripts = { ...(manifest.scripts ?? {}) };
  for (const [name, command] of Object.entries(SCRIPTS)) {
    if (scripts[name] === undefined) scripts[name] = command;
    else if (scripts[name] !== command) kept.push(`scripts.${name}`);
  }
  next.scripts = scripts;
  const has = (name: string) => manifest.dependencies?.[name] !== undefined || manifest.devDependencies?.[name] !== undefined;
  if (!has("syncspec")) next.dependencies = { ...(manifest.dependencies ?? {}), syncspec: range };
  if (!has("@syncspec/cli")) next.devDependencies = { ...(manifest.devDependencies ?? {}), "@syncspec/cli": range };
  return { text: `${JSON.stringify(next, null, 2)}\n`, kept, created: false };
}

export const initCommand: Command = {
  name: "init",
  summary: "Start a project: syncspec.yaml, a first spec set that compiles, and package.json's dependencies and scripts",
  usage: "spec init [dir]",
  examples: ["spec init", "spec init integrations && cd integrations && npm install"],
  options: [],
  run(args, io) {
    const { positionals } = parseCommandArgs(args, {});
    if (positionals.length > 1) throw new UsageError("give at most one folder");
    const root = resolve(io.cwd, positionals[0] ?? ".");
    const existing = starter.map((f) => join(root, f.path)).filter((p) => existsSync(p));
    if (existing.length > 0) {
      io.stderr(`spec init: this folder already has a project; not overwriting ${existing.map((p) => relative(io.cwd, p) || p).join(", ")}\n`);
      return EXIT.findings;
    }
    const manifest = manifestFor(root);
    if (typeof manifest === "string") {
      io.stderr(`spec init: ${manifest}; nothing was written\n`);
      return EXIT.findings;
    }
    for (const file of starter) {
      const full = join(root, file.path);
      mkdirSync(dirname(full), { recursive: true });
      writeFileSync(full, `${schemaLine(full, file.kind)}${file.body}`);
      io.stdout(`created ${relative(io.cwd, full)}\n`);
    }
    const packagePath = join(root, "package.json");
    writeFileSync(packagePath, manifest.text);
    io.stdout(`${manifest.created ? "created" : "updated"} ${relative(io.cwd, packagePath)}\n`);
    if (manifest.kept.length > 0) io.stdout(`kept your own ${manifest.kept.join(", ")}\n`);
    io.stdout("next: npm install, then npm run compile\n");
    return EXIT.ok;
  },
};
