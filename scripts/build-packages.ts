/**
 * `npm run build`: one source tree, two packages. `tsc -p tsconfig.build.json` turns src/ into
 * JavaScript and declaration files; this script then splits the output in two:
 *
 * - `syncspec`, the runtime a service installs and generated code imports: every module the
 *   entries `syncspec/runtime`, `syncspec/transform` and `syncspec/validation` load, and the
 *   declarations their types name. Its dependencies are exactly the packages those modules import.
 * - `@syncspec/cli`, the `spec` command and the compiler, a development dependency: every other
 *   module, importing the runtime's modules from `syncspec` (one copy of the runtime per service).
 *
 * Both take their version and dependency ranges from the top-level package.json, so there is one
 * version to bump and one lockfile that tests them. Output goes to `dist/` (or the folder given).
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { builtinModules, createRequire } from "node:module";
import { dirname, join, posix, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** The runtime package's name: generated code imports `syncspec/runtime`, `syncspec/transform`, `syncspec/validation`. */
export const RUNTIME_PACKAGE = "syncspec";
/** The CLI and compiler package's name; its bin is `spec`. */
export const CLI_PACKAGE = "@syncspec/cli";

/** Packages the runtime package must never depend on: the compiler's, and development tools. */
export const COMPILER_ONLY_PACKAGES = ["ts-morph", "typescript", "chevrotain", "handlebars", "@sinclair/typebox", "fast-check", "tsx"] as const;

/** The runtime package's public entries: subpath, built module (under lib/, without extension). */
const RUNTIME_ENTRIES: readonly [string, string][] = [
  ["./runtime", "runtime/index"],
  ["./transform", "transform/index"],
  ["./validation", "runtime/validation"],
  ["./tracing", "runtime/observe/register-tracing"],
];

/**
 * Packages only `syncspec/tracing` loads (an OpenTelemetry SDK and its OTLP exporter): optional
 * peers of the runtime, so a service that registers no exporter installs none of them (the spans
 * go through @opentelemetry/api alone); the CLI depends on them for `spec run --otlp`.
 */
export const TRACING_PACKAGES = ["@opentelemetry/sdk-trace", "@opentelemetry/core", "@opentelemetry/context-async-hooks", "@opentelemetry/exporter-trace-otlp-http"] as const;

/** The CLI package's public entries besides its bin. */
const CLI_ENTRIES: readonly [string, string][] = [["./testing", "testing/index"]];

/** Packages the runtime loads by name (`require`): ajv's run-time helpers behind `syncspec/validation`. */
const RUNTIME_LOADED_BY_NAME = ["ajv", "ajv-formats"];

/** Packages the CLI loads by name (`require`, `require.resolve`) rather than by an import statement. */
const CLI_LOADED_BY_NAME = ["ts-morph", "chevrotain"];

/** Files tsc does not emit but the built modules load. */
const EXTRA_FILES = ["compiler/validate/schema-validators.generated.js", "compiler/validate/schema-validators.generated.d.ts"];

/** Where the two packages were written. */
export interface BuiltPackages {
  runtime: string;
  cli: string;
  version: string;
}

interface RootManifest {
  version: string;
  license?: string;
  engines?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

/** Builds both packages into `outDir` (emptied first); throws with tsc's output when the build fails. */
export function buildPackages(outDir: string = join(root, "dist")): BuiltPackages {
  const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as RootManifest;
  rmSync(outDir, { recursive: true, force: true });
  const lib = join(outDir, ".tsc");
  const tsc = join(dirname(createRequire(import.meta.url).resolve("typescript/package.json")), "bin", "tsc");
  const run = spawnSync(process.execPath, [tsc, "-p", join(root, "tsconfig.build.json"), "--outDir", lib], { cwd: root, encoding: "utf8" });
  if (run.status !== 0) throw new Error(`tsc -p tsconfig.build.json failed:\n${run.stdout}${run.stderr}`);
  for (const file of EXTRA_FILES) copyFileSync(join(root, "src", file), join(lib, file));
  // The SQLite store's thread loads the built store, not the sources through the development loader.
  writeFileSync(
    join(lib, "runtime/store/sqlite-thread.mjs"),
    [
      "// The SQLite store's worker thread (see store-thread.js).",
      'import { workerData } from "node:worker_threads";',
      'import { serveSqliteStore } from "./sqlite.js";',
      "",
      "await serveSqliteStore(workerData);",
      "",
    ].join("\n"),
  );

  const files = listFiles(lib);
  // Declaration files keep the sources' `.ts` specifiers; a service resolves them as the `.js` files they name.
  for (const file of files.filter((f) => f.endsWith(".d.ts"))) {
    const text = readFileSync(join(lib, file), "utf8");
    const rewritten = rewriteSpecifiers(text, (s) => (s.startsWith(".") && s.endsWith(".ts") && !s.endsWith(".d.ts") ? `${s.slice(0, -3)}.js` : s));
    if (rewritten !== text) writeFileSync(join(lib, file), rewritten);
  }
  const runtimeJs = closure(lib, RUNTIME_ENTRIES.map(([, m]) => `${m}.js`), ".js");
  runtimeJs.add("runtime/store/sqlite-thread.mjs");
  const runtimeDts = closure(lib, RUNTIME_ENTRIES.map(([, m]) => `${m}.d.ts`), ".d.ts");
  const inRuntime = (file: string) => runtimeJs.has(file) || runtimeJs.has(file.replace(/\.d\.ts$/, ".js")) || runtimeDts.has(file);
  const cliFiles = files.filter((f) => !runtimeJs.has(f) && !runtimeJs.has(f.replace(/\.d\.ts$/, ".js")));

  const runtimeDir = join(outDir, "runtime");
  const cliDir = join(outDir, "cli");
  for (const file of files.filter(inRuntime)) copyInto(lib, file, join(runtimeDir, "lib"), (text) => text);
  for (const file of cliFiles) {
    copyInto(lib, file, join(cliDir, "lib"), (text) =>
      rewriteSpecifiers(text, (specifier) => {
        if (!specifier.startsWith(".")) return specifier;
        const target = posix.normalize(posix.join(posix.dirname(file), specifier));
        return runtimeJs.has(target) ? `${RUNTIME_PACKAGE}/lib/${target}` : specifier;
      }),
    );
  }

  const ranges = { ...manifest.devDependencies, ...manifest.dependencies };
  const runtimeDeps = dependenciesOf(lib, [...runtimeJs].filter((f) => f.endsWith(".js")), ranges);
  for (const name of RUNTIME_LOADED_BY_NAME) runtimeDeps[name] = ranges[name] ?? "*";
  const tracingPeers: Record<string, string> = {};
  for (const name of TRACING_PACKAGES) {
    tracingPeers[name] = ranges[name] ?? "*";
    delete runtimeDeps[name];
  }
  const forbidden = Object.keys(runtimeDeps).filter((name) => (COMPILER_ONLY_PACKAGES as readonly string[]).includes(name));
  if (forbidden.length > 0) throw new Error(`the runtime package would depend on ${forbidden.join(", ")}`);
  const cliDeps: Record<string, string> = { ...dependenciesOf(lib, cliFiles.filter((f) => f.endsWith(".js")), ranges), [RUNTIME_PACKAGE]: manifest.version };
  for (const name of CLI_LOADED_BY_NAME) cliDeps[name] = ranges[name] ?? "*";
  Object.assign(cliDeps, tracingPeers);

  const common = { version: manifest.version, type: "module", license: manifest.license ?? "MIT", engines: manifest.engines ?? { node: ">=20" } };
  writeJson(join(runtimeDir, "package.json"), {
    name: RUNTIME_PACKAGE,
    ...common,
    description: "The syncspec runtime: executes the pipelines `spec compile` generates, durably and idempotently, over SQLite or PostgreSQL.",
    exports: {
      ...Object.fromEntries(RUNTIME_ENTRIES.map(([subpath, module]) => [subpath, conditions(module)])),
      "./lib/*.js": { types: "./lib/*.d.ts", default: "./lib/*.js" },
      "./package.json": "./package.json",
    },
    files: ["lib", "README.md"],
    dependencies: sorted(runtimeDeps),
    peerDependencies: sorted(tracingPeers),
    peerDependenciesMeta: Object.fromEntries(Object.keys(tracingPeers).sort().map((name) => [name, { optional: true }])),
  });
  writeFileSync(join(runtimeDir, "README.md"), RUNTIME_README);

  mkdirSync(join(cliDir, "bin"), { recursive: true });
  writeFileSync(
    join(cliDir, "bin/spec.js"),
    [
      "#!/usr/bin/env node",
      "// The `spec` command, as built JavaScript.",
      'import { main } from "../lib/cli/main.js";',
      "",
      "process.exitCode = await main(process.argv.slice(2));",
      "",
    ].join("\n"),
    { mode: 0o755 },
  );
  copyTree(join(root, "schemas"), join(cliDir, "schemas"));
  writeJson(join(cliDir, "package.json"), {
    name: CLI_PACKAGE,
    ...common,
    description: "The syncspec command line and compiler: validates, lints and compiles sync specs into code the syncspec runtime executes.",
    bin: { spec: "bin/spec.js" },
    exports: {
      ...Object.fromEntries(CLI_ENTRIES.map(([subpath, module]) => [subpath, conditions(module)])),
      "./package.json": "./package.json",
    },
    files: ["bin", "lib", "schemas", "README.md"],
    dependencies: sorted(cliDeps),
  });
  writeFileSync(join(cliDir, "README.md"), CLI_README);
  rmSync(lib, { recursive: true, force: true });
  return { runtime: runtimeDir, cli: cliDir, version: manifest.version };
}

function conditions(module: string): { types: string; default: string } {
  return { types: `./lib/${module}.d.ts`, default: `./lib/${module}.js` };
}

/** Every file under `dir`, as `/`-separated paths relative to it. */
function listFiles(dir: string, prefix = ""): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(dir, prefix)).sort()) {
    const path = prefix === "" ? name : `${prefix}/${name}`;
    if (statSync(join(dir, path)).isDirectory()) out.push(...listFiles(dir, path));
    else out.push(path);
  }
  return out;
}

/** Import and re-export statements (tsc prints them at the start of a line), and dynamic imports. */
const SPECIFIER = /(^\s*(?:import|export)\b[^;"()=]*?\bfrom\s*"|^\s*import\s*"|\bimport\(\s*")([^"\n]+)(")/gm;

/** The module specifiers of a built module (static and dynamic imports, re-exports). */
function specifiersOf(text: string): string[] {
  return [...text.matchAll(SPECIFIER)].map((m) => m[2] as string);
}

function rewriteSpecifiers(text: string, map: (specifier: string) => string): string {
  return text.replace(SPECIFIER, (_all, before: string, specifier: string, after: string) => `${before}${map(specifier)}${after}`);
}

/** The files `entries` reach through relative imports, following only files with `extension`. */
function closure(lib: string, entries: readonly string[], extension: ".js" | ".d.ts"): Set<string> {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file) || !existsSync(join(lib, file))) return;
    seen.add(file);
    for (const specifier of specifiersOf(readFileSync(join(lib, file), "utf8"))) {
      if (!specifier.startsWith(".")) continue;
      const target = posix.normalize(posix.join(posix.dirname(file), specifier));
      visit(extension === ".d.ts" ? target.replace(/\.js$/, ".d.ts") : target);
    }
  };
  for (const entry of entries) visit(entry);
  return seen;
}

/** The packages `files` import, with their ranges from the top-level manifest. */
function dependenciesOf(lib: string, files: readonly string[], ranges: Record<string, string>): Record<string, string> {
  const builtins = new Set(builtinModules);
  const out: Record<string, string> = {};
  for (const file of files) {
    for (const specifier of specifiersOf(readFileSync(join(lib, file), "utf8"))) {
      if (specifier.startsWith(".") || specifier.startsWith("node:") || builtins.has(specifier.split("/")[0] as string)) continue;
      const parts = specifier.split("/");
      const name = specifier.startsWith("@") ? `${parts[0]}/${parts[1]}` : (parts[0] as string);
      if (name === RUNTIME_PACKAGE) continue;
      const range = ranges[name];
      if (range === undefined) throw new Error(`${file} imports ${name}, which package.json does not list`);
      out[name] = range;
    }
  }
  return out;
}

function copyInto(lib: string, file: string, to: string, transform: (text: string) => string): void {
  const target = join(to, file);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, transform(readFileSync(join(lib, file), "utf8")));
}

function copyTree(from: string, to: string): void {
  for (const file of listFiles(from)) {
    mkdirSync(dirname(join(to, file)), { recursive: true });
    copyFileSync(join(from, file), join(to, file));
  }
}

function sorted(record: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : 1)));
}

function writeJson(path: string, value: unknown): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`);
}

const RUNTIME_README = `# syncspec

The runtime of syncspec: it executes the pipelines that \`spec compile\` (from \`@syncspec/cli\`)
generates, durably and idempotently, over SQLite or PostgreSQL. Generated code imports
\`syncspec/runtime\`, \`syncspec/transform\` and \`syncspec/validation\`; a service imports
\`createRuntime\` and a store from \`syncspec/runtime\`. The compiler is not in this package.
`;

const CLI_README = `# @syncspec/cli

The \`spec\` command: validates, lints, tests and compiles sync specs into TypeScript (or
JavaScript with declarations) that the \`syncspec\` runtime package executes. Install it as a
development dependency beside \`syncspec\`, and start a project with \`npx spec init\`.
`;

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const out = process.argv[2] === undefined ? undefined : resolve(process.argv[2]);
  const built = buildPackages(out);
  process.stdout.write(`built ${RUNTIME_PACKAGE}@${built.version} in ${relative(process.cwd(), built.runtime) || "."}\n`);
  process.stdout.write(`built ${CLI_PACKAGE}@${built.version} in ${relative(process.cwd(), built.cli) || "."}\n`);
}
