/**
 * `spec fmt`: rewrites DSL files in the canonical layout (`--check` lists what would change and
 * exits 1), and converts one file to the other syntax on stdout (`--to yaml`, `--to dsl`).
 */
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve } from "node:path";
import { findConfigFile, loadConfig } from "../compiler/config.ts";
import type { Diagnostic } from "../compiler/diagnostics/diagnostic.ts";
import { formatStylish } from "../compiler/diagnostics/printers/stylish.ts";
import { decodeFile } from "../compiler/parse/decode.ts";
import { documentsToDsl, documentsToYaml } from "../compiler/parse/dsl/convert.ts";
import { formatDsl } from "../compiler/parse/dsl/format.ts";
import { readDsl } from "../compiler/parse/dsl/parse-dsl.ts";
import { parseYaml } from "../compiler/parse/yaml/parse-yaml.ts";
import { discoverSpecFiles } from "../compiler/sources.ts";
import { type Command, parseCommandArgs } from "./command.ts";
import { type CliIo, EXIT, UsageError, useColor } from "./io.ts";

const TARGETS = ["yaml", "dsl"] as const;
const isDsl = (path: string) => path.toLowerCase().endsWith(".sync");

function report(io: CliIo, diagnostics: readonly Diagnostic[]): void {
  io.stderr(formatStylish(diagnostics, { color: useColor(io), cwd: io.cwd }));
}

/** Reads a spec file of either syntax into document values, or reports why not. */
function readValues(path: string, io: CliIo, maxFileBytes: number, maxDepth: number): unknown[] | undefined {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new UsageError(`cannot read ${relative(io.cwd, path) || path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  const [file, decodeErrors] = decodeFile(relative(io.cwd, path) || path, bytes, maxFileBytes);
  if (decodeErrors.length > 0) {
    report(io, decodeErrors);
    return undefined;
  }
  const [documents, diagnostics] = isDsl(path) ? (() => {
    const read = readDsl(file, { maxDepth });
    return [read.documents, read.diagnostics] as const;
  })() : parseYaml(file, { maxDepth });
  if (diagnostics.some((d) => d.severity === "error")) {
    report(io, diagnostics);
    return undefined;
  }
  return documents.map((d) => d.value);
}

function convert(path: string, to: (typeof TARGETS)[number], io: CliIo): number {
  const [config] = loadConfig(io.cwd);
  if (to === "dsl" && isDsl(path)) {
    // already DSL: print it formatted, comments and all
    const [file, decodeErrors] = decodeFile(relative(io.cwd, path) || path, readFileSync(path), config.maxFileBytes);
    const [formatted, diagnostics] = decodeErrors.length > 0 ? [undefined, decodeErrors] : formatDsl(file, config.maxDepth);
    if (formatted === undefined) {
      report(io, diagnostics);
      return EXIT.findings;
    }
    io.stdout(formatted);
    return EXIT.ok;
  }
  const values = readValues(path, io, config.maxFileBytes, config.maxDepth);
  if (values === undefined) return EXIT.findings;
  if (to === "dsl") {
    io.stdout(documentsToDsl(values));
    return EXIT.ok;
  }
  const configFile = findConfigFile(dirname(path));
  const root = configFile === undefined ? io.cwd : dirname(configFile);
  const schemaDir = relative(dirname(path), join(root, "schemas")).split("\\").join("/") || ".";
  io.stdout(documentsToYaml(values, schemaDir));
  return EXIT.ok;
}

/** `spec fmt`: the command. */
export const fmtCommand: Command = {
  name: "fmt",
  summary: "Format .sync files, or print a spec file in the other syntax (--to yaml|dsl)",
  usage: "spec fmt [paths...] [--check] | spec fmt --to yaml|dsl <file>",
  options: [
    {
      name: "check",
      description: "Rewrite nothing; exit 1 listing each .sync file that is not formatted (for CI)",
      examples: ["spec fmt --check", "spec fmt specs/time --check"],
    },
    {
      name: "to",
      value: "syntax",
      description: "Print one spec file in the other syntax instead of formatting",
      values: TARGETS,
      examples: ["spec fmt --to dsl specs/routes/invoice-release.yaml", "spec fmt --to yaml specs/time/time-to-revenue.sync > time-to-revenue.yaml"],
    },
  ],
  run(args, io) {
    const { values, positionals } = parseCommandArgs(args, { check: { type: "boolean" }, to: { type: "string" } });
    const paths = positionals.map((p) => (isAbsolute(p) ? p : resolve(io.cwd, p)));
    if (values.to !== undefined) {
      if (!(TARGETS as readonly string[]).includes(values.to)) throw new UsageError(`unknown target '${values.to}'; use yaml or dsl`);
      if (paths.length !== 1) throw new UsageError("--to takes exactly one file");
      if (values.check === true) throw new UsageError("--check and --to cannot be used together");
      if (statSync(paths[0]!, { throwIfNoEntry: false })?.isFile() !== true) throw new UsageError(`${positionals[0]} is not a file`);
      return convert(paths[0]!, values.to as (typeof TARGETS)[number], io);
    }
    const [config] = loadConfig(io.cwd);
    const [found, discoveryErrors] = discoverSpecFiles(paths.length > 0 ? paths : config.specs, io.cwd, config.exclude);
    const files = found.filter(isDsl);
    let failed = discoveryErrors.some((d) => d.code === "path-not-found");
    if (failed) report(io, discoveryErrors.filter((d) => d.code === "path-not-found"));
    let changed = 0;
    for (const path of files) {
      const shown = relative(io.cwd, path) || path;
      const bytes = readFileSync(path);
      const [file, decodeErrors] = decodeFile(shown, bytes, config.maxFileBytes);
      if (decodeErrors.length > 0) {
        report(io, decodeErrors);
        failed = true;
        continue;
      }
      const [formatted, diagnostics] = formatDsl(file, config.maxDepth);
      if (formatted === undefined) {
        report(io, diagnostics);
        failed = true;
        continue;
      }
      if (formatted === file.text) continue;
      changed++;
      if (values.check === true) io.stdout(`${shown}\n`);
      else writeFileSync(path, formatted);
    }
    if (failed) return EXIT.findings;
    return values.check === true && changed > 0 ? EXIT.findings : EXIT.ok;
  },
};
