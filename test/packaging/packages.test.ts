/**
 * The packages as a service meets them: built, packed with `npm pack`, installed from the
 * tarballs into a fresh service folder, started with `npx spec init` and `npx spec compile`, and
 * run with plain Node (no loader) against a fake ERP. The README's embedding example is the
 * service. The native SQLite module is the project's own, copied in rather than compiled again.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFile, execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { buildPackages, COMPILER_ONLY_PACKAGES, TRACING_PACKAGES } from "../../scripts/build-packages.ts";
import { projectRoot } from "../../src/testing/environment.ts";

interface Received {
  method: string;
  path: string;
  idempotencyKey: string | undefined;
  authorization: string | undefined;
  body: unknown;
}

/** The environment of a child npm or node: this process's, without what an outer `npm test` set for itself. */
function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!/^npm_/i.test(key) && key !== "NODE_OPTIONS" && !key.startsWith("VITEST")) env[key] = value;
  return { ...env, NO_COLOR: "1", ...extra };
}

function run(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = childEnv()): string {
  const result = spawnSync(command, args, { cwd, env, encoding: "utf8", timeout: 120_000 });
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} exited ${result.status}:\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

/** Runs a child without blocking this process, whose event loop serves the fake ERP meanwhile. */
function runAsync(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, [...args], { cwd, env, encoding: "utf8", timeout: 60_000 }, (error, stdout, stderr) => {
      if (error === null) resolve(stdout);
      else reject(new Error(`${command} ${args.join(" ")} failed (${error.message}):\n${stdout}\n${stderr}`));
    });
  });
}

/** The README's embedding example: the first `js` block after its marker. */
function readmeExample(): string {
  const readme = readFileSync(join(projectRoot, "README.md"), "utf8");
  const marker = readme.indexOf("<!-- embedding-example -->");
  const block = /```js\n([\s\S]*?)```/.exec(readme.slice(marker));
  if (marker < 0 || block === null) throw new Error("README.md has no embedding example");
  return block[1] as string;
}

describe("the packages a service installs", () => {
  const work = mkdtempSync(join(tmpdir(), "syncspec-packages-"));
  const service = join(work, "service");
  const received: Received[] = [];
  let server: Server;
  let target: string;
  const tarballs: Record<string, { file: string; files: string[] }> = {};
  let manifests: Record<
    string,
    { dependencies?: Record<string, string>; peerDependencies?: Record<string, string>; peerDependenciesMeta?: Record<string, { optional?: boolean }>; exports?: unknown; bin?: Record<string, string> }
  > = {};

  beforeAll(async () => {
    server = createServer((req, res) => {
      let text = "";
      req.on("data", (chunk: Buffer) => {
        text += chunk.toString("utf8");
      });
      req.on("end", () => {
        const header = (name: string) => (typeof req.headers[name] === "string" ? (req.headers[name] as string) : undefined);
        received.push({ method: req.method ?? "", path: req.url ?? "", idempotencyKey: header("idempotency-key"), authorization: header("authorization"), body: text === "" ? undefined : JSON.parse(text) });
        res.writeHead(201, { "content-type": "application/json" }).end(text);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    target = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    const built = buildPackages(join(work, "dist"));
    manifests = { runtime: JSON.parse(readFileSync(join(built.runtime, "package.json"), "utf8")), cli: JSON.parse(readFileSync(join(built.cli, "package.json"), "utf8")) };
    const packs = join(work, "tarballs");
    mkdirSync(packs);
    for (const [name, dir] of [["runtime", built.runtime], ["cli", built.cli]] as const) {
      const [packed] = JSON.parse(run("npm", ["pack", "--json", "--pack-destination", packs], dir)) as { filename: string; files: { path: string }[] }[];
      if (packed === undefined) throw new Error(`npm pack printed nothing for ${name}`);
      tarballs[name] = { file: join(packs, packed.filename), files: packed.files.map((f) => f.path) };
    }

    // The service pins better-sqlite3 to the project's version, whose native module it reuses.
    const sqliteVersion = (JSON.parse(readFileSync(join(projectRoot, "node_modules/better-sqlite3/package.json"), "utf8")) as { version: string }).version;
    mkdirSync(service);
    writeFileSync(join(service, "package.json"), `${JSON.stringify({ name: "billing-sync", private: true, type: "module", overrides: { "better-sqlite3": sqliteVersion } }, null, 2)}\n`);
    run("npm", ["install", "--ignore-scripts", "--prefer-offline", "--no-audit", "--no-fund", tarballs["runtime"]?.file ?? "", tarballs["cli"]?.file ?? ""], service);
    const native = "node_modules/better-sqlite3/build/Release/better_sqlite3.node";
    mkdirSync(dirname(join(service, native)), { recursive: true });
    copyFileSync(join(projectRoot, native), join(service, native));
  }, 300_000);

  afterAll(async () => {
    await new Promise<void>((resolve) => server?.close(() => resolve()));
    rmSync(work, { recursive: true, force: true });
  });

  it("ship built JavaScript and declarations, and none of the repository's tests, benchmarks, specs or CI", () => {
    for (const { files } of Object.values(tarballs)) {
      expect(files.filter((f) => /^(test|bench|specs|generated|\.ci|src|scripts)\//.test(f))).toEqual([]);
      expect(files.some((f) => f.endsWith(".ts") && !f.endsWith(".d.ts"))).toBe(false);
    }
    expect(tarballs["runtime"]?.files).toEqual(expect.arrayContaining(["package.json", "lib/runtime/index.js", "lib/runtime/index.d.ts", "lib/transform/index.js", "lib/runtime/validation.js"]));
    expect(tarballs["cli"]?.files).toEqual(expect.arrayContaining(["package.json", "bin/spec.js", "lib/cli/main.js", "schemas/config.schema.json"]));
  });

  it("name in exports and bin only files the tarballs hold, with types beside each entry", () => {
    const targets = (value: unknown): string[] =>
      typeof value === "string" ? [value] : value !== null && typeof value === "object" ? Object.values(value).flatMap(targets) : [];
    for (const name of ["runtime", "cli"] as const) {
      const manifest = manifests[name];
      const files = new Set(tarballs[name]?.files);
      const named = [...targets(manifest?.exports), ...Object.values(manifest?.bin ?? {})].filter((t) => !t.includes("*")).map((t) => t.replace(/^\.\//, ""));
      expect(named.length).toBeGreaterThan(1);
      expect(named.filter((t) => !files.has(t))).toEqual([]);
      for (const entry of Object.values((manifest?.exports ?? {}) as Record<string, unknown>)) if (typeof entry === "object") expect(entry).toHaveProperty("types");
    }
  });

  it("keep the compiler's packages out of the runtime's dependencies", () => {
    const dependencies = Object.keys(manifests["runtime"]?.dependencies ?? {});
    for (const name of COMPILER_ONLY_PACKAGES) expect(dependencies).not.toContain(name);
    // The OpenTelemetry SDK behind syncspec/tracing is an optional peer: a service without traces installs none of it.
    for (const name of TRACING_PACKAGES) {
      expect(dependencies).not.toContain(name);
      expect(manifests["runtime"]?.peerDependenciesMeta?.[name]?.optional).toBe(true);
      expect(manifests["cli"]?.dependencies?.[name]).toBeDefined();
    }
    expect(manifests["cli"]?.dependencies?.["syncspec"]).toBe(JSON.parse(readFileSync(join(projectRoot, "package.json"), "utf8")).version);
  });

  it("run spec from the installed CLI with plain Node, its version read from package.json", () => {
    const version = JSON.parse(readFileSync(join(projectRoot, "package.json"), "utf8")).version as string;
    expect(run("npx", ["spec", "--version"], service).trim()).toBe(`syncspec ${version}`);
  }, 60_000);

  it("start a project with npx spec init and compile it with npx spec compile, then run the README's service with plain Node against a fake ERP", async () => {
    run("npx", ["spec", "init"], service);
    const manifest = JSON.parse(readFileSync(join(service, "package.json"), "utf8"));
    expect(manifest.scripts.compile).toBe("spec compile");
    expect(manifest.dependencies.syncspec).toMatch(/^file:/);
    run("npx", ["spec", "compile"], service);
    expect(existsSync(join(service, "generated/index.js"))).toBe(true);

    writeFileSync(join(service, "service.mjs"), readmeExample());
    const env = childEnv({ ERP_BASE_URL: target, ERP_TOKEN: "erp-secret", PSA_TOKEN: "psa-secret", SYNCSPEC_DB: join(service, "syncspec.db") });
    const out = await runAsync(process.execPath, ["service.mjs"], service, env);
    expect(out.trim().split("\n").at(-1)).toBe(JSON.stringify({ accepted: 2, refused: 0 }));
    expect(received.map((r) => [r.method, r.path, r.authorization, r.body])).toEqual([
      ["POST", "/projects", "Bearer erp-secret", { code: "p-1", name: "Audit 2026" }],
      ["POST", "/projects", "Bearer erp-secret", { code: "p-2", name: "Tax advisory" }],
    ]);
    const keys = received.map((r) => r.idempotencyKey);
    expect(keys.every((k) => typeof k === "string" && k.length > 0)).toBe(true);
    expect(new Set(keys).size).toBe(2);

    // The same two business events again: accepted as duplicates, posted nothing more.
    await runAsync(process.execPath, ["service.mjs"], service, env);
    expect(received).toHaveLength(2);
  }, 180_000);

  it("type-check the service written in TypeScript under a plain NodeNext tsconfig", () => {
    expect(existsSync(join(service, "generated/index.d.ts"))).toBe(true);
    writeFileSync(join(service, "service.ts"), `${readmeExample()}\nimport { Money } from "./generated/support.js";\nimport type { Project } from "./generated/entities/project.js";\nconst project: Project = { projectId: "p-3", name: "Due diligence" };\nconst budget: Money = Money.parse("1200.00");\nconsole.log(project.name, budget);\n`);
    writeFileSync(join(service, "tsconfig.json"), JSON.stringify({ compilerOptions: { module: "nodenext", target: "es2022", strict: true, noEmit: true, types: ["node"] }, include: ["service.ts"] }));
    if (!existsSync(join(service, "node_modules/@types/node"))) {
      mkdirSync(join(service, "node_modules/@types"), { recursive: true });
      symlinkSync(join(projectRoot, "node_modules/@types/node"), join(service, "node_modules/@types/node"), "dir");
    }
    const tsc = join(projectRoot, "node_modules/typescript/bin/tsc");
    const result = spawnSync(process.execPath, [tsc, "-p", "tsconfig.json"], { cwd: service, encoding: "utf8", env: childEnv() });
    expect(result.stdout + result.stderr).toBe("");
    expect(result.status).toBe(0);
  }, 60_000);

  it("load none of the compiler's packages when a service imports the runtime and the generated code", () => {
    const hooks = join(work, "record-hooks.mjs");
    const log = join(work, "loaded.txt");
    writeFileSync(
      hooks,
      [
        'import { appendFileSync } from "node:fs";',
        "let log;",
        "export function initialize(data) { log = data.log; }",
        "export async function resolve(specifier, context, next) {",
        "  const resolved = await next(specifier, context);",
        '  appendFileSync(log, resolved.url + "\\n");',
        "  return resolved;",
        "}",
        "",
      ].join("\n"),
    );
    const probe = join(service, "probe.mjs");
    writeFileSync(
      probe,
      [
        'import { register, createRequire } from "node:module";',
        'import { appendFileSync } from "node:fs";',
        `register(${JSON.stringify(`file://${hooks}`)}, { data: { log: ${JSON.stringify(log)} } });`,
        'await import("syncspec/runtime");',
        'await import("./generated/index.js");',
        `appendFileSync(${JSON.stringify(log)}, Object.keys(createRequire(import.meta.url).cache).map((f) => "file://" + f + "\\n").join(""));`,
      ].join("\n"),
    );
    execFileSync(process.execPath, [probe], { cwd: service, env: childEnv() });
    const loaded = readFileSync(log, "utf8").split("\n").filter((l) => l.includes("/node_modules/"));
    const packages = new Set(loaded.map((url) => /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)?.[1]));
    expect(packages.has("syncspec")).toBe(true);
    for (const name of [...COMPILER_ONLY_PACKAGES, ...TRACING_PACKAGES, "@syncspec/cli"]) expect(packages.has(name)).toBe(false);
  }, 60_000);
});
