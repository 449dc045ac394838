/**
 * `spec compile [paths...] [--out dir] [--check] [--watch] [--no-rule-modules] [--format stylish|json]`:
 * validate, lint and emit the generated TypeScript, schemas and AsyncAPI document.
 * `--no-rule-modules` compiles a spec set whose code is not trusted: the Policy's rule modules are
 * not run, and each is reported as skipped.
 */
import { isAbsolute, resolve } from "node:path";
import { loadConfig } from "../compiler/config.ts";
import { compileSpecs } from "../compiler/emit/compile.ts";
import { type WatchCycle, watchSpecs } from "../compiler/emit/watch.ts";
import { diffOutput, writeOutput } from "../compiler/emit/write.ts";
import { type Command, expectFormat, parseCommandArgs } from "./command.ts";
import { type CliIo, EXIT, UsageError } from "./io.ts";
import { DIAGNOSTIC_FORMATS, type DiagnosticFormat, printDiagnostics } from "./print-diagnostics.ts";

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

/** The `spec compile` command. */
export const compileCommand: Command = {
  name: "compile",
  summary: "Validate, lint and generate typed TypeScript, schemas and AsyncAPI from the specs",
  usage: "spec compile [paths...] [--out dir] [--check] [--watch] [--no-rule-modules] [--format stylish|json]",
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

    const result = await compileSpecs(io.cwd, positionals, trust);
    if (result.diagnostics.length > 0) printDiagnostics(io, result.diagnostics, format);
    if (result.files === undefined) return EXIT.findings;
    const outDir = outOf(result.program.config.out);
    if (values.check === true) {
      const diff = diffOutput(outDir, result.files);
      const lines = [
        ...diff.missing.map((p) => `missing: ${p}`),
        ...diff.stale.map((p) => `stale: ${p}`),
        ...diff.extra.map((p) => `extra: ${p}`),
      ];
      if (lines.length === 0) {
        io.stderr(`${result.files.length} generated file(s) are up to date\n`);
        return EXIT.ok;
      }
      io.stdout(`${lines.join("\n")}\n`);
      io.stderr(`generated output is out of date: run spec compile\n`);
      return EXIT.findings;
    }
    const { written, removed } = writeOutput(outDir, result.files);
    io.stderr(`${result.files.length} file(s) generated; ${written.length} written, ${removed.length} removed\n`);
    return EXIT.ok;
  },
};
