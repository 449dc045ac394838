/**
 * `spec lint [paths...]`: validates the spec set, then applies the governance rules. Formats for
 * people (stylish) and CI (json, sarif, junit, github); `--fail-severity` sets which findings fail
 * the run; baselines accept today's findings so only new ones fail; `--explain <rule>` prints a
 * rule's page. `--no-rule-modules` lints a spec set whose code is not trusted (a pull request's):
 * the Policy's rule modules are not run, and each is reported as skipped.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Diagnostic, Severity } from "../compiler/diagnostics/diagnostic.ts";
import { formatGithub } from "../compiler/diagnostics/printers/github.ts";
import { formatJson } from "../compiler/diagnostics/printers/json.ts";
import { formatJunit } from "../compiler/diagnostics/printers/junit.ts";
import { formatSarif, type RuleMetadata } from "../compiler/diagnostics/printers/sarif.ts";
import { formatStylish } from "../compiler/diagnostics/printers/stylish.ts";
import { readBaseline, writeBaseline } from "../compiler/lint/baseline.ts";
import { rulePage, rulesIndex } from "../compiler/lint/docs.ts";
import { explainCode } from "./explain.ts";
import { lintRun } from "../compiler/lint/lint.ts";
import type { LintRule } from "../compiler/lint/rule.ts";
import { builtInRules } from "../compiler/lint/rules/index.ts";
import { loadProgram } from "../compiler/program.ts";
import { type Command, expectChoice, expectFormat, parseCommandArgs } from "./command.ts";
import { type CliIo, EXIT, useColor } from "./io.ts";
import { diagnosticFormat, noRuleModules } from "./shared-options.ts";

const FORMATS = ["stylish", "json", "sarif", "junit", "github"] as const;
const SEVERITIES = ["error", "warn", "info", "hint"] as const;
const RANK: Record<Severity, number> = { error: 3, warn: 2, info: 1, hint: 0 };

function metadataOf(rules: readonly LintRule[]): RuleMetadata[] {
  return rules.map((r) => ({ id: r.name, description: r.description, docs: r.docs, severity: r.severity, category: r.category }));
}

function print(io: CliIo, format: (typeof FORMATS)[number], diagnostics: readonly Diagnostic[], rules: readonly LintRule[], root: string, files: readonly string[]): void {
  if (format === "json") io.stdout(formatJson(diagnostics, io.cwd));
  else if (format === "sarif") io.stdout(formatSarif(diagnostics, { root, rules: metadataOf(rules) }));
  else if (format === "junit") io.stdout(formatJunit(diagnostics, { cwd: io.cwd, files }));
  else if (format === "github") io.stdout(formatGithub(diagnostics, { cwd: io.cwd }));
  else io.stdout(formatStylish(diagnostics, { color: useColor(io), cwd: io.cwd }));
}

function writeDocs(io: CliIo, folder: string): number {
  const dir = resolve(io.cwd, folder);
  mkdirSync(dir, { recursive: true });
  for (const rule of builtInRules) writeFileSync(join(dir, `${rule.name}.md`), rulePage(rule));
  writeFileSync(join(dir, "README.md"), rulesIndex(builtInRules));
  io.stdout(`spec lint: wrote ${builtInRules.length} rule pages to ${folder}\n`);
  return EXIT.ok;
}

export const lintCommand: Command = {
  name: "lint",
  summary: "Apply the governance rules (ownership, reliability, API, data, hygiene) and the policy's own",
  usage:
    "spec lint [paths...] [--format stylish|json|sarif|junit|github] [--fail-severity error|warn|info|hint] [--baseline <file>] [--write-baseline <file>] [--no-rule-modules] [--explain <code>] [--write-docs <folder>]",
  options: [
    diagnosticFormat("lint"),
    {
      name: "fail-severity",
      value: "severity",
      description: "The least severe finding that fails the run (exit 1)",
      values: SEVERITIES,
      default: "error",
      examples: ["spec lint --fail-severity warn", "spec lint --fail-severity hint --format github"],
    },
    {
      name: "baseline",
      value: "file",
      description: "Accept the findings recorded in this file, so only new ones are reported",
      examples: ["spec lint --baseline lint-baseline.json", "spec lint --baseline .ci/lint-baseline.json --format sarif"],
    },
    {
      name: "write-baseline",
      value: "file",
      description: "Record today's findings as the baseline and exit 0",
      examples: ["spec lint --write-baseline lint-baseline.json", "spec lint specs --write-baseline .ci/lint-baseline.json"],
    },
    noRuleModules("lint"),
    {
      name: "explain",
      value: "code",
      description: "Print the page of a rule or of any diagnostic code (as spec explain does)",
      examples: ["spec lint --explain route-dead-letter", "spec lint --explain mapping-wrong-type"],
    },
    {
      name: "write-docs",
      value: "folder",
      description: "Write one Markdown page per built-in rule and an index into the folder",
      examples: ["spec lint --write-docs docs/rules", "spec lint --write-docs site/rules"],
    },
  ],
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, {
      format: { type: "string" },
      "fail-severity": { type: "string" },
      baseline: { type: "string" },
      "write-baseline": { type: "string" },
      explain: { type: "string" },
      "write-docs": { type: "string" },
      "no-rule-modules": { type: "boolean" },
    });
    if (values.explain !== undefined) return explainCode(io, values.explain);
    if (values["write-docs"] !== undefined) return writeDocs(io, values["write-docs"]);
    const format = expectFormat(values.format, FORMATS, "stylish");
    const failAt = expectChoice("severity", values["fail-severity"], SEVERITIES, "error");
    const program = loadProgram({ cwd: io.cwd, paths: positionals });
    const files = program.files.map((f) => f.path);
    if (!program.ok) {
      print(io, format, program.diagnostics, builtInRules, program.config.root, files);
      return EXIT.findings;
    }
    let baseline: Set<string> | undefined;
    if (values.baseline !== undefined) {
      const [fingerprints, errors] = readBaseline(resolve(io.cwd, values.baseline));
      if (errors.length > 0) {
        print(io, format, errors, [], program.config.root, files);
        return EXIT.usage;
      }
      baseline = fingerprints;
    }
    const { findings, rules } = await lintRun(program, {
      ...(baseline === undefined ? {} : { baseline }),
      ...(values["no-rule-modules"] === true ? { ruleModules: false } : {}),
    });
    const all = [...program.diagnostics, ...findings];
    if (values["write-baseline"] !== undefined) {
      writeBaseline(resolve(io.cwd, values["write-baseline"]), findings);
      io.stdout(`spec lint: wrote ${findings.length} finding${findings.length === 1 ? "" : "s"} to ${values["write-baseline"]}\n`);
      return EXIT.ok;
    }
    print(io, format, all, rules, program.config.root, files);
    return all.some((d) => RANK[d.severity] >= RANK[failAt]) ? EXIT.findings : EXIT.ok;
  },
};
