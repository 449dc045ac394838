/**
 * `spec test [paths...] [--format text|json|junit]`: runs every Mapping's example tests (input
 * and lookups in, the expected record out) and reports each as passed or failed, located at the
 * test in its spec file; a failure lists each field that differs at its JSON path, with the
 * expected and the actual value.
 *
 * `spec test --properties [paths...] [--route name] [--runs N] [--seed N] [--path P]` checks the
 * runtime's laws (idempotency, ordering, no loss, determinism, key uniqueness) against every route
 * with generated events and in-memory fake targets, and prints a shrunk counterexample for each
 * law a route breaks, with the seed and path that replay it.
 */
import type { SpecSet } from "../compiler/check/spec-set.ts";
import { lineAndColumn } from "../compiler/diagnostics/source-file.ts";
import { xmlEscape } from "../compiler/diagnostics/printers/junit.ts";
import { displayPath } from "../compiler/diagnostics/printers/stylish.ts";
import { loadProgram } from "../compiler/program.ts";
import { checkProperties, UnknownRouteError } from "../testing/properties/check.ts";
import { formatPropertiesJson, formatPropertiesText } from "../testing/properties/report.ts";
import { compileExpression } from "../transform/index.ts";
import { type Command, expectFormat, parseCommandArgs } from "./command.ts";
import { type CliIo, EXIT, UsageError, useColor } from "./io.ts";
import { type Difference, type DiffPaint, diffJson, formatDifferences } from "./json-diff.ts";
import { jsonOutput } from "./json-output.ts";
import { generatedOrInMemory } from "./load-compiled.ts";
import { printDiagnostics } from "./print-diagnostics.ts";

/** The outcome of one example test. */
export interface MappingTestResult {
  mapping: string;
  test: string;
  /** `file:line:col` of the test, relative to the working directory. */
  where: string;
  file: string;
  passed: boolean;
  /** Why it failed, in one line: how many fields differ and where, or the evaluation error. */
  failure?: string;
  /** The fields where the output differs from the test's `expect`, each at its JSON path. */
  differences?: Difference[];
  ms: number;
}

/** The one-line account of a mismatch: how many fields differ, and the first few paths. */
function mismatch(differences: readonly Difference[]): string {
  const paths = differences.slice(0, 3).map((d) => d.path);
  const more = differences.length > paths.length ? `, and ${differences.length - paths.length} more` : "";
  return `${differences.length} field${differences.length === 1 ? "" : "s"} differ${differences.length === 1 ? "s" : ""} from expect: ${paths.join(", ")}${more}`;
}

/** JSON's view of a value: what a test's `expect` can describe. */
function plain(value: unknown): unknown {
  return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
}

/** Runs every example test of every mapping, in mapping name order. */
export async function runMappingTests(set: SpecSet, cwd: string): Promise<MappingTestResult[]> {
  const results: MappingTestResult[] = [];
  for (const name of [...set.mappings.keys()].sort()) {
    const mapping = set.mappings.get(name);
    if (mapping === undefined) continue;
    const tests = mapping.value.spec.tests ?? [];
    if (tests.length === 0) continue;
    const compiled = compileExpression(mapping.value.spec.expression);
    for (const [index, test] of tests.entries()) {
      const location = mapping.source.locate(["spec", "tests", index]);
      const at = lineAndColumn(location.file, location.start);
      const file = displayPath(location.file.path, cwd);
      const started = performance.now();
      const result: MappingTestResult = { mapping: name, test: test.name, where: `${file}:${at.line}:${at.column}`, file, passed: false, ms: 0 };
      try {
        // `previous` is what a correction's mapping reads as `$previous`: the body, target id and version posted before.
        const bound = { ...(test.lookups ?? {}), ...(test.previous !== undefined ? { previous: test.previous } : {}) } as Record<string, unknown>;
        const actual = plain(await compiled.evaluate(test.input, bound));
        const differences = diffJson(plain(test.expect), actual);
        result.passed = differences.length === 0;
        if (!result.passed) {
          result.differences = differences;
          result.failure = mismatch(differences);
        }
      } catch (error) {
        result.failure = `evaluation failed: ${error instanceof Error ? error.message : String(error)}`;
      }
      result.ms = performance.now() - started;
      results.push(result);
    }
  }
  return results;
}

/** Formats results as JUnit XML: one suite per mapping, one case per example. */
export function formatTestJunit(results: readonly MappingTestResult[]): string {
  const byMapping = new Map<string, MappingTestResult[]>();
  for (const r of results) byMapping.set(r.mapping, [...(byMapping.get(r.mapping) ?? []), r]);
  const failures = results.filter((r) => !r.passed).length;
  const suites = [...byMapping].map(([mapping, cases]) => {
    const body = cases.map((r) => {
      const open = `    <testcase classname="${xmlEscape(`mapping.${mapping}`)}" name="${xmlEscape(r.test)}" file="${xmlEscape(r.file)}" time="${(r.ms / 1000).toFixed(3)}"`;
      if (r.passed) return `${open}/>`;
      const message = r.failure ?? "failed";
      const detail = r.differences === undefined ? message : formatDifferences(r.differences);
      return `${open}>\n      <failure message="${xmlEscape(message)}" type="mapping-test">${xmlEscape(`${r.where}\n${detail}`)}</failure>\n    </testcase>`;
    });
    const failed = cases.filter((r) => !r.passed).length;
    return `  <testsuite name="${xmlEscape(mapping)}" tests="${cases.length}" failures="${failed}" errors="0" skipped="0">\n${body.join("\n")}\n  </testsuite>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="spec test" tests="${results.length}" failures="${failures}">\n${suites.join("\n")}${suites.length > 0 ? "\n" : ""}</testsuites>\n`;
}

/** The counts every format reports. */
function summaryOf(results: readonly MappingTestResult[]): { tests: number; passed: number; failed: number } {
  const failed = results.filter((r) => !r.passed).length;
  return { tests: results.length, passed: results.length - failed, failed };
}

/** Results for people: one line per test, and under a failure where it is and what differs. */
export function formatTestText(results: readonly MappingTestResult[], color = false): string {
  const paint: DiffPaint = color ? { expected: (t) => `\x1b[32m${t}\x1b[39m`, actual: (t) => `\x1b[31m${t}\x1b[39m` } : { expected: (t) => t, actual: (t) => t };
  const lines = results.map((r) => {
    if (r.passed) return `  pass  ${r.mapping} › ${r.test}`;
    const detail = r.differences === undefined ? `        ${r.failure ?? ""}` : formatDifferences(r.differences, "        ", paint);
    return `  FAIL  ${r.mapping} › ${r.test}\n        at ${r.where}\n${detail}`;
  });
  const { tests, passed, failed } = summaryOf(results);
  return `${lines.join("\n")}${lines.length > 0 ? "\n\n" : ""}${tests} mapping test(s): ${passed} passed, ${failed} failed\n`;
}

/** Results as one JSON object: each test (with its differences when it failed) and the summary. */
export function formatTestJson(results: readonly MappingTestResult[]): string {
  return jsonOutput({ results: results.map(({ ms: _ms, ...r }) => r) }, summaryOf(results));
}

/** Scenarios per route and law unless `--runs` says otherwise: the example specs check in seconds. */
export const DEFAULT_PROPERTY_RUNS = 15;

/** An integer option, within bounds; anything else is a usage error naming the option. */
function integerOption(name: string, value: string | undefined, min: number, max: number, what: string): number | undefined {
  if (value === undefined) return undefined;
  const n = /^-?[0-9]+$/.test(value.trim()) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new UsageError(`--${name} must be ${what}, not '${value}'`);
  return n;
}

interface PropertyArgs {
  routes: string[] | undefined;
  runs: string | undefined;
  seed: string | undefined;
  path: string | undefined;
}

async function runProperties(io: CliIo, positionals: readonly string[], format: "text" | "json", args: PropertyArgs): Promise<number> {
  const runs = integerOption("runs", args.runs, 1, 100_000, "a positive integer") ?? DEFAULT_PROPERTY_RUNS;
  const seed = integerOption("seed", args.seed, -(2 ** 31), 2 ** 31 - 1, "a 32-bit integer") ?? Math.floor(Math.random() * 2 ** 31);
  if (args.path !== undefined && !/^[0-9]+(:[0-9]+)*$/.test(args.path)) throw new UsageError(`--path must be a replay path such as 0:1:3, not '${args.path}'`);
  if (args.path !== undefined && args.seed === undefined) throw new UsageError("--path replays a counterexample of one seed; give the --seed it was printed with");
  const program = loadProgram({ cwd: io.cwd, paths: [...positionals] });
  if (!program.ok) {
    printDiagnostics(io, program.diagnostics, format === "json" ? "json" : "stylish");
    return EXIT.findings;
  }
  const progress = io.isTTY && format === "text";
  let report: Awaited<ReturnType<typeof checkProperties>>;
  try {
    report = await checkProperties(program.set, {
      seed,
      runs,
      ...(args.routes !== undefined ? { routes: args.routes } : {}),
      ...(args.path !== undefined ? { path: args.path } : {}),
      ...(progress ? { onRoute: (route: string, i: number, n: number) => io.stderr(`checking ${route} (${i + 1}/${n})\n`) } : {}),
    }, (await generatedOrInMemory(program)).compiled);
  } catch (error) {
    if (error instanceof UnknownRouteError) throw new UsageError(error.message);
    throw error;
  }
  io.stdout(format === "json" ? formatPropertiesJson(report) : formatPropertiesText(report, { paths: positionals }));
  return report.routes.every((r) => r.properties.every((p) => p.status !== "failed")) ? EXIT.ok : EXIT.findings;
}

/** The `spec test` command. */
export const testCommand: Command = {
  name: "test",
  summary: "Run the example tests declared in Mapping specs, or (--properties) the runtime's laws against every route",
  usage: "spec test [paths...] [--format text|json|junit] | spec test --properties [paths...] [--route name]... [--runs N] [--seed N] [--path P] [--format text|json]",
  options: [
    {
      name: "format",
      value: "format",
      description: "Text for people, JSON for scripts, or JUnit XML for CI (JUnit only for the mapping tests)",
      values: ["text", "json", "junit"],
      default: "text",
      examples: ["spec test --format junit > mapping-tests.xml", "spec test --properties --format json"],
    },
    {
      name: "properties",
      description: "Check the runtime's laws (no loss, no double posting, ordering) against every route with generated scenarios",
      examples: ["spec test --properties", "spec test --properties specs --runs 200"],
    },
    {
      name: "route",
      value: "name",
      description: "With --properties: check only this route (repeat for several)",
      default: "every route",
      examples: ["spec test --properties --route time-to-revenue", "spec test --properties --route invoice-release --route payment-status"],
    },
    {
      name: "runs",
      value: "n",
      description: "With --properties: scenarios per route and law",
      default: String(DEFAULT_PROPERTY_RUNS),
      examples: ["spec test --properties --runs 200", "spec test --properties --route time-to-revenue --runs 1000"],
    },
    {
      name: "seed",
      value: "n",
      description: "With --properties: the random seed, to repeat a run (printed with every failure)",
      default: "a random seed",
      examples: ["spec test --properties --seed 42", "spec test --properties --seed 1907 --path 0:1:3"],
    },
    {
      name: "path",
      value: "path",
      description: "With --properties and --seed: replay one counterexample by the path printed with it",
      examples: ["spec test --properties --seed 1907 --path 0:1:3", "spec test --properties --route time-to-revenue --seed 7 --path 2:0"],
    },
  ],
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, {
      format: { type: "string" },
      properties: { type: "boolean" },
      route: { type: "string", multiple: true },
      runs: { type: "string" },
      seed: { type: "string" },
      path: { type: "string" },
    });
    if (values.properties === true) {
      const format = expectFormat(values.format, ["text", "json"] as const, "text");
      return runProperties(io, positionals, format, { routes: values.route, runs: values.runs, seed: values.seed, path: values.path });
    }
    const propertyOnly = (["route", "runs", "seed", "path"] as const).find((name) => values[name] !== undefined);
    if (propertyOnly !== undefined) throw new UsageError(`--${propertyOnly} goes with --properties`);
    const format = expectFormat(values.format, ["text", "json", "junit"] as const, "text");
    const program = loadProgram({ cwd: io.cwd, paths: positionals });
    if (!program.ok) {
      printDiagnostics(io, program.diagnostics, format === "json" ? "json" : "stylish");
      return EXIT.findings;
    }
    const results = await runMappingTests(program.set, io.cwd);
    if (format === "junit") io.stdout(formatTestJunit(results));
    else if (format === "json") io.stdout(formatTestJson(results));
    else io.stdout(formatTestText(results, useColor(io)));
    return results.every((r) => r.passed) ? EXIT.ok : EXIT.findings;
  },
};
