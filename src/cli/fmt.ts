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
import { toJsonDiagnostic } from "../compiler/diagnostics/printers/json.ts";
import { type Command, expectFormat, parseCommandArgs } from "./command.ts";
import { type CliIo, EXIT, UsageError, useColor } from "./io.ts";
import { jsonOutput } from "./json-output.ts";
import { reportFormat } from "./shared-options.ts";

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

interface FormatOutcome {
  /** The .sync files found, as shown to the user. */
  files: string[];
  /** Those not in the canonical layout: rewritten, or only listed with --check. */
  changed: string[];
  /** How many could not be read or parsed. */
  failed: number;
  diagnostics: Diagnostic[];
}

/** Formats (or with `check`, only compares) every .sync file under `paths`. */
function formatFiles(io: CliIo, paths: readonly string[], check: boolean): FormatOutcome {
  const [config] = loadConfig(io.cwd);
  const [found, discoveryErrors] = discoverSpecFiles(paths.length > 0 ? paths : config.specs, io.cwd, config.exclude);
  const missing = discoveryErrors.filter((d) => d.code === "path-not-found");
  const outcome: FormatOutcome = { files: [], changed: [], failed: missing.length, diagnostics: [...missing] };
  for (const path of found.filter(isDsl)) {
    const shown = relative(io.cwd, path) || path;
    outcome.files.push(shown);
    const [file, decodeErrors] = decodeFile(shown, readFileSync(path), config.maxFileBytes);
    const [formatted, diagnostics] = decodeErrors.length > 0 ? [undefined, decodeErrors] : formatDsl(file, config.maxDepth);
    if (formatted === undefined) {
      outcome.diagnostics.push(...diagnostics);
      outcome.failed++;
      continue;
    }
    if (formatted === file.text) continue;
    outcome.changed.push(shown);
    if (!check) writeFileSync(path, formatted);
  }
  return outcome;
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
  usage: "spec fmt [paths...] [--check] [--format text|json] | spec fmt --to yaml|dsl <file>",
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
    reportFormat("spec fmt --check"),
  ],
  run(args, io) {
    const { values, positionals } = parseCommandArgs(args, { check: { type: "boolean" }, to: { type: "string" }, format: { type: "string" } });
    const paths = positionals.map((p) => (isAbsolute(p) ? p : resolve(io.cwd, p)));
    if (values.to !== undefined) {
      if (!(TARGETS as readonly string[]).includes(values.to)) throw new UsageError(`unknown target '${values.to}'; use yaml or dsl`);
      if (paths.length !== 1) throw new UsageError("--to takes exactly one file");
      if (values.check === true) throw new UsageError("--check and --to cannot be used together");
      if (values.format !== undefined) throw new UsageError("--format reports on formatting; --to prints the converted file itself");
      if (statSync(paths[0]!, { throwIfNoEntry: false })?.isFile() !== true) throw new UsageError(`${positionals[0]} is not a file`);
      return convert(paths[0]!, values.to as (typeof TARGETS)[number], io);
    }
    const format = expectFormat(values.format, ["text", "json"] as const, "text");
    const check = values.check === true;
    const outcome = formatFiles(io, paths, check);
    if (format === "json") {
      const lists = { files: outcome.files, changed: outcome.changed, diagnostics: outcome.diagnostics.map((d) => toJsonDiagnostic(d, io.cwd)) };
      io.stdout(jsonOutput(lists, { check, files: outcome.files.length, changed: outcome.changed.length, failed: outcome.failed }));
    } else {
      if (outcome.diagnostics.length > 0) report(io, outcome.diagnostics);
      if (check) for (const shown of outcome.changed) io.stdout(`${shown}\n`);
      if (check && outcome.changed.length > 0) io.stdout(`${outcome.changed.length} of ${outcome.files.length} .sync file(s) not formatted; run spec fmt\n`);
    }
    if (outcome.failed > 0) return EXIT.findings;
    return check && outcome.changed.length > 0 ? EXIT.findings : EXIT.ok;
  },
};
