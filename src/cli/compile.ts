/**
 * `spec compile [paths...] [--out dir] [--check] [--watch] [--no-rule-modules] [--format ...]`:
 * validate, lint and emit the generated TypeScript, schemas and AsyncAPI document. The report
 * goes to stdout in the format asked for (with `--format json`, one object with a summary);
 * progress goes to stderr, on a terminal only.
 * `--no-rule-modules` compiles a spec set whose code is not trusted: the Policy's rule modules are
 * not run, and each is reported as skipped.
 */
import { isAbsolute, resolve } from "node:path";
import { loadConfig } from "../compiler/config.ts";
import { compileSpecs } from "../compiler/emit/compile.ts";
import { type WatchCycle, watchSpecs } from "../compiler/emit/watch.ts";
import { diffOutput, type OutputDiff, writeOutput } from "../compiler/emit/write.ts";
import type { Diagnostic } from "../compiler/diagnostics/diagnostic.ts";
import { jsonReport } from "../compiler/diagnostics/printers/json.ts";
import type { CompileProgress } from "../compiler/program.ts";
import { type Command, expectFormat, parseCommandArgs } from "./command.ts";
import { type CliIo, EXIT, UsageError } from "./io.ts";
import { DIAGNOSTIC_FORMATS, type DiagnosticFormat, printDiagnostics } from "./print-diagnostics.ts";
import { progressLine } from "./progress.ts";
import { diagnosticFormat, noRuleModules } from "./shared-options.ts";

const STAGES: Record<CompileProgress["stage"], string> = { read: "reading specs", check: "checking", lint: "linting", emit: "generating" };

function describeProgress(p: CompileProgress): string {
  return p.stage === "read" ? `${STAGES.read} ${p.done + 1}/${p.total}` : `${STAGES[p.stage]} ${p.total} document(s)`;
}

/**
 * Prints what a compile found and did. The JSON report is one object with the diagnostics, the
 * outcome's fields and a summary; stylish adds a summary line on stdout; for sarif, junit and
 * github the summary line goes to stderr, so stdout holds only the format asked for.
 */
function printReport(io: CliIo, format: DiagnosticFormat, diagnostics: readonly Diagnostic[], outcome: Record<string, unknown>, line: string): void {
  if (format === "json") {
    const report = jsonReport(diagnostics, io.cwd);
    // Lists of files stand beside the diagnostics; the summary counts them.
    const lists = Object.fromEntries(Object.entries(outcome).filter(([, value]) => Array.isArray(value)));
    const counts = Object.fromEntries(Object.entries(outcome).map(([key, value]) => [key, Array.isArray(value) ? value.length : value]));
    io.stdout(`${JSON.stringify({ diagnostics: report.diagnostics, ...lists, summary: { ...report.summary, ...counts } }, null, 2)}\n`);
    return;
  }
  // A machine format is printed even when empty: CI reads an empty SARIF run as "no findings".
  if (diagnostics.length > 0 || format !== "stylish") printDiagnostics(io, diagnostics, format);
  (format === "stylish" ? io.stdout : io.stderr)(`${line}\n`);
}

/** Clears a terminal and its scrollback and puts the cursor home, as `tsc --watch` does. */
const CLEAR_SCREEN = "\x1b[2J\x1b[3J\x1b[H";

/**
 * Prints one recompile of `--watch`. On a terminal the screen is cleared first, so an error that
 * was fixed does not stay on screen above the new result; elsewhere (a log, a pipe) each cycle
 * ends with a status line that says whether errors remain.
 */
export function printWatchCycle(io: CliIo, cycle: WatchCycle, format: DiagnosticFormat, now = new Date()): void {
  if (io.isTTY && format === "stylish") io.stdout(CLEAR_SCREEN);
  if (cycle.diagnostics.length > 0) printDiagnostics(io, cycle.diagnostics, format);
  const errors = cycle.diagnostics.filter((d) => d.severity === "error").length;
  const at = now.toISOString().slice(11, 19);
  io.stderr(
    cycle.emitted
      ? `[${at}] compiled with no errors in ${Math.round(cycle.ms)} ms; ${cycle.written.length} file(s) written, ${cycle.removed.length} removed; watching for changes\n`
      : `[${at}] ${errors} error(s): nothing emitted; watching for changes\n`,
  );
}

/** `--check`: compares the output folder with what would be written; exit 1 when they differ. */
function checkOutput(io: CliIo, format: DiagnosticFormat, diagnostics: readonly Diagnostic[], diff: OutputDiff, files: number): number {
  const upToDate = diff.missing.length + diff.stale.length + diff.extra.length === 0;
  const lines = [...diff.missing.map((p) => `missing: ${p}`), ...diff.stale.map((p) => `stale: ${p}`), ...diff.extra.map((p) => `extra: ${p}`)];
  const summary = upToDate ? `${files} generated file(s) are up to date` : `${lines.join("\n")}\ngenerated output is out of date: run spec compile`;
  printReport(io, format, diagnostics, { emitted: false, upToDate, files, missing: diff.missing, stale: diff.stale, extra: diff.extra }, summary);
  return upToDate ? EXIT.ok : EXIT.findings;
}

/** The `spec compile` command. */
export const compileCommand: Command = {
  name: "compile",
  summary: "Validate, lint and generate typed TypeScript, schemas and AsyncAPI from the specs",
  usage: "spec compile [paths...] [--out dir] [--check] [--watch] [--no-rule-modules] [--format stylish|json|sarif|junit|github]",
  options: [
    {
      name: "out",
      value: "dir",
      description: "Where the generated modules, schemas and AsyncAPI document go",
      default: "the project file's out (generated)",
      examples: ["spec compile --out build/generated", "spec compile specs --out /tmp/preview"],
    },
    {
      name: "check",
      description: "Write nothing; exit 1 listing each generated file that is missing, stale or extra (for CI)",
      examples: ["spec compile --check", "spec compile --check --format json"],
    },
    {
      name: "watch",
      description: "Compile again whenever a spec file or folder changes, however it is saved (in place, by rename, by git checkout), until Ctrl-C",
      examples: ["spec compile --watch", "spec compile specs --watch --out generated"],
    },
    noRuleModules("compile"),
    diagnosticFormat("compile"),
  ],
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, {
      out: { type: "string" },
      check: { type: "boolean" },
      watch: { type: "boolean" },
      format: { type: "string" },
      "no-rule-modules": { type: "boolean" },
    });
    const format = expectFormat(values.format, DIAGNOSTIC_FORMATS, "stylish");
    const trust = values["no-rule-modules"] === true ? { ruleModules: false } : {};
    if (values.check === true && values.watch === true) throw new UsageError("--check and --watch cannot be combined");
    const outOf = (configOut: string) =>
      values.out === undefined ? configOut : isAbsolute(values.out) ? values.out : resolve(io.cwd, values.out);

    if (values.watch === true) {
      const watcher = watchSpecs({
        cwd: io.cwd,
        paths: positionals,
        outDir: outOf(loadConfig(io.cwd)[0].out),
        ...trust,
        onCycle: (cycle) => printWatchCycle(io, cycle, format),
      });
      await new Promise<void>((done) => {
        process.once("SIGINT", () => {
          watcher.close();
          done();
        });
      });
      return EXIT.ok;
    }

    const progress = progressLine(io);
    const result = await compileSpecs(io.cwd, positionals, { ...trust, onProgress: (p) => progress.show(describeProgress(p)) });
    progress.end();
    if (result.files === undefined) {
      printReport(io, format, result.diagnostics, { emitted: false }, "errors: nothing generated");
      return EXIT.findings;
    }
    const outDir = outOf(result.program.config.out);
    if (values.check === true) return checkOutput(io, format, result.diagnostics, diffOutput(outDir, result.files), result.files.length);
    const { written, removed } = writeOutput(outDir, result.files);
    const summary = `${result.files.length} file(s) generated; ${written.length} written, ${removed.length} removed`;
    printReport(io, format, result.diagnostics, { emitted: true, files: result.files.length, written, removed }, summary);
    return EXIT.ok;
  },
};
