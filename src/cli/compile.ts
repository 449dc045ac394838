/**
 * `spec compile [paths...] [--out dir] [--check] [--watch] [--no-rule-modules] [--format stylish|json]`:
 * validate, lint and emit the generated TypeScript, schemas and AsyncAPI document.
 * `--no-rule-modules` compiles a spec set whose code is not trusted: the Policy's rule modules are
 * not run, and each is reported as skipped.
 */
import { isAbsolute, resolve } from "node:path";
import { loadConfig } from "../compiler/config.ts";
import { compileSpecs } from "../compiler/emit/compile.ts";
import { watchSpecs } from "../compiler/emit/watch.ts";
import { diffOutput, writeOutput } from "../compiler/emit/write.ts";
import { type Command, expectFormat, parseCommandArgs } from "./command.ts";
import { EXIT, UsageError } from "./io.ts";
import { DIAGNOSTIC_FORMATS, printDiagnostics } from "./print-diagnostics.ts";
import { diagnosticFormat, noRuleModules } from "./shared-options.ts";

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
      description: "Compile again whenever a spec file changes, until Ctrl-C",
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
        onCycle(cycle) {
          if (cycle.diagnostics.length > 0) printDiagnostics(io, cycle.diagnostics, format);
          io.stderr(
            cycle.emitted
              ? `compiled in ${Math.round(cycle.ms)} ms; ${cycle.written.length} file(s) written, ${cycle.removed.length} removed\n`
              : "errors: nothing emitted; watching for changes\n",
          );
        },
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
