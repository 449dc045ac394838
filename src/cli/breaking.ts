/**
 * `spec breaking --against <git-ref|dir> [paths...]`: lists each change from the other spec set
 * with its class and whom it breaks, and exits 1 when a change that breaks a consumer the
 * policy's `breaking.level` protects comes without a breaking version bump of its document: a new
 * major version, or a new minor version while it is 0.x.
 */
import { AgainstError, loadAgainst } from "../compiler/breaking/against.ts";
import { judgeChanges } from "../compiler/breaking/breaking.ts";
import { formatBreakingJson, formatBreakingText } from "../compiler/breaking/format.ts";
import { BREAKING_LEVELS, type BreakingLevel, findPolicy } from "../compiler/lint/policy.ts";
import { loadProgram } from "../compiler/program.ts";
import { type Command, expectChoice, expectFormat, parseCommandArgs } from "./command.ts";
import { EXIT, UsageError } from "./io.ts";
import { printDiagnostics } from "./print-diagnostics.ts";
import { reportFormat } from "./shared-options.ts";

export const breakingCommand: Command = {
  name: "breaking",
  summary: "Classify the changes against a git ref or folder and require a breaking version bump (a new major, or a new minor while 0.x) for breaking ones",
  usage: "spec breaking --against <git-ref|dir> [paths...] [--level event-consumers|adapters|stored-data] [--format text|json]",
  options: [
    {
      name: "against",
      value: "git-ref|dir",
      description: "The released spec set to compare with: a git ref of this repository or a folder (required)",
      examples: ["spec breaking --against origin/main", "spec breaking --against v1.4.0 specs"],
    },
    {
      name: "level",
      value: "level",
      description: "Which consumers a change must not break without a major version bump",
      values: BREAKING_LEVELS,
      default: "the Policy's breaking.level, else stored-data",
      examples: ["spec breaking --against origin/main --level adapters", "spec breaking --against v1.4.0 --level event-consumers"],
    },
    reportFormat("spec breaking --against origin/main"),
  ],
  run(args, io) {
    const { values, positionals } = parseCommandArgs(args, { against: { type: "string" }, level: { type: "string" }, format: { type: "string" } });
    if (values.against === undefined) throw new UsageError("--against <git-ref|dir> is required");
    const format = expectFormat(values.format, ["text", "json"] as const, "text");
    const current = loadProgram({ cwd: io.cwd, paths: positionals });
    if (!current.ok) {
      printDiagnostics(io, current.diagnostics, format === "json" ? "json" : "stylish");
      return EXIT.findings;
    }
    let against: ReturnType<typeof loadAgainst>;
    try {
      against = loadAgainst(values.against, io.cwd, positionals);
    } catch (error) {
      if (!(error instanceof AgainstError)) throw error;
      io.stderr(`spec breaking: cannot load ${values.against}: ${error.message}\n`);
      return EXIT.usage;
    }
    try {
      if (!against.program.ok) {
        const errors = against.program.diagnostics.filter((d) => d.severity === "error").length;
        io.stderr(`spec breaking: the spec set at ${against.label} has ${errors} error${errors === 1 ? "" : "s"}; compare against a ref whose specs validate\n`);
        return EXIT.usage;
      }
      const level = expectChoice("level", values.level, BREAKING_LEVELS, (findPolicy(current)[0]?.value.spec.breaking?.level as BreakingLevel | undefined) ?? "stored-data");
      const report = judgeChanges(against.program.set, current.set, level);
      io.stdout(format === "json" ? formatBreakingJson(report, io.cwd, against.label) : formatBreakingText(report, io.cwd, against.label));
      return report.violations > 0 ? EXIT.findings : EXIT.ok;
    } finally {
      against.dispose();
    }
  },
};
