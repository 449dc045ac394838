/**
 * `spec reconcile`: runs the spec set's Reconciliation specs now. By default the records are read
 * from the live systems, through each source's `read` (reconcile-live.ts), for one `--period` when
 * given, and gaps are filed in the run configuration's store. They may instead come from a running
 * demo or service (`--url`, `--token`: its reconciler runs and reports, filing gaps in its store),
 * or from a JSON file of canonical records keyed `<system>/<Entity>` (`--records`). With `--store`
 * (or `--config`), each gap is filed as an exception in that store's queues, once per gap across
 * runs, and the exception of a gap that closed is closed. Exit 1 when a gap is found, and when the
 * records file holds a key that no reconciliation reads.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { suggest } from "../compiler/diagnostics/suggest.ts";
import { loadProgram } from "../compiler/program.ts";
import type { ReconciliationDefinition } from "../ops/reconcile/engine.ts";
import { createReconciler, type Reconciler } from "../ops/reconcile/reconciler.ts";
import type { ReconciliationResult } from "../ops/reconcile/engine.ts";
import { reconcileLive } from "./reconcile-live.ts";
import { loweredReconciliations } from "./load-compiled.ts";
import { storeExceptionSink } from "../ops/reconcile/store-sink.ts";
import { gapVerdict, sidesText } from "../ops/reconcile/gap-text.ts";
import { ConfigurationError } from "../runtime/errors.ts";
import { loadExpressionCompiler } from "../runtime/expression.ts";
import type { Store } from "../runtime/store/store.ts";
import { type Command, expectFormat, parseCommandArgs } from "./command.ts";
import { jsonOutput } from "./json-output.ts";
import { configOption, reportFormat, storeOption } from "./shared-options.ts";
import { storeFor } from "./exceptions.ts";
import { type CliIo, EXIT, UsageError } from "./io.ts";
import { printDiagnostics } from "./print-diagnostics.ts";

/**
 * The records file's keys that no reconciliation reads (a mistyped `<system>/<Entity>` would
 * otherwise leave its side empty and pass for "0 gaps"), as a sentence; undefined when every key is read.
 */
function unreadKeys(records: unknown, definitions: readonly ReconciliationDefinition[]): string | undefined {
  if (records === null || typeof records !== "object" || Array.isArray(records)) return "must hold an object of record lists keyed <system>/<Entity>";
  const read = [...new Set(definitions.flatMap((d) => d.spec.sources.map((s) => `${s.system}/${s.entity}`)))].sort();
  const unknown = Object.keys(records).filter((key) => !read.includes(key));
  if (unknown.length === 0) return undefined;
  const named = unknown.map((key) => {
    const suggestion = suggest(key, read);
    return `'${key}'${suggestion === undefined ? "" : ` (did you mean '${suggestion}'?)`}`;
  });
  return `has records under ${named.join(", ")}, which no reconciliation reads; the reconciliations read ${read.join(", ")}`;
}

/** Prints the runs' results; exit 1 when a gap was found. */
function printResults(io: CliIo, format: "text" | "json", results: ReconciliationResult[], reconciler: Reconciler, filed: boolean): number {
  const exceptionOf = new Map(reconciler.exceptions().map((x) => [`${x.gap.reconciliation}|${x.gap.key}`, x]));
  if (format === "json") io.stdout(jsonOutput({ results }, { reconciliations: results.length, gaps: results.reduce((sum, r) => sum + r.gaps.length, 0) }));
  else {
    for (const r of results) {
      io.stdout(`${r.reconciliation}: ${r.groups} groups, ${r.gaps.length} gap(s)\n`);
      for (const g of r.gaps) {
        const exception = filed ? `, exception ${exceptionOf.get(`${g.reconciliation}|${g.key}`)?.id}` : "";
        io.stdout(`  ${g.key} ${gapVerdict(g)}: ${sidesText(g, true)} -> ${g.queue} (${g.owner}${exception})\n`);
      }
      for (const p of r.problems.slice(0, 5)) io.stdout(`  problem in ${p.source}: ${p.message}\n`);
    }
    const closed = reconciler.exceptions().filter((x) => x.closedAt !== undefined);
    for (const x of closed) io.stdout(`  ${x.gap.reconciliation} ${x.gap.key} agrees again: exception ${x.id} closed\n`);
  }
  return results.some((r) => r.gaps.length > 0) ? EXIT.findings : EXIT.ok;
}

export const reconcileCommand: Command = {
  name: "reconcile",
  summary: "Run the reconciliations now against the live systems (or a records file) and report each gap with the records behind it",
  usage:
    "spec reconcile [--only name,...] [--period 2026-03] [--store url|--config file] [--records <file.json> | --url <dashboard-url> --token <token>] [--format text|json] [specs-dir]",
  options: [
    {
      name: "records",
      value: "file.json",
      description: "Reconcile the canonical records in this file, keyed <system>/<Entity>",
      examples: ["spec reconcile --records march.json", "spec reconcile --records march.json --store sqlite:syncspec.db"],
    },
    {
      name: "url",
      value: "dashboard-url",
      description: "Ask a running service or demo to reconcile its own records (needs --token)",
      default: "$SYNCSPEC_DASHBOARD_URL",
      examples: ["spec reconcile --url http://127.0.0.1:8081 --token $TOKEN", "spec reconcile --url https://ops.example.com --token $TOKEN --only time-vs-cost"],
    },
    {
      name: "token",
      value: "token",
      description: "With --url: the dashboard's token",
      default: "$SYNCSPEC_DASHBOARD_TOKEN",
      examples: ["spec reconcile --url http://127.0.0.1:8081 --token $TOKEN", "spec reconcile --url https://ops.example.com --token $(cat ops-token) --format json"],
    },
    {
      name: "only",
      value: "name,...",
      description: "Run only these reconciliations, comma-separated",
      default: "every reconciliation",
      examples: ["spec reconcile --records march.json --only time-vs-cost", "spec reconcile --url http://127.0.0.1:8081 --token $TOKEN --only invoices-vs-receivables,payments-vs-invoices"],
    },
    {
      name: "period",
      value: "period",
      description: "Reconcile one period: a month, an ISO week or a day (the live lists are asked for that period only)",
      default: "every period the records hold",
      examples: ["spec reconcile --period 2026-03", "spec reconcile --only time-cost-postings --period 2026-W11"],
    },
    reportFormat("spec reconcile --records march.json"),
    { ...storeOption("spec reconcile --records march.json"), description: "File each gap as an exception in this store (live runs use the run configuration's store by default)" },
    { ...configOption("spec reconcile --records march.json"), description: "File each gap in the store of this run configuration; live runs also take its systems' environment" },
  ],
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, {
      records: { type: "string" },
      url: { type: "string" },
      token: { type: "string" },
      only: { type: "string" },
      format: { type: "string" },
      store: { type: "string" },
      config: { type: "string" },
      period: { type: "string" },
    });
    const format = expectFormat(values.format, ["text", "json"] as const, "text");
    const url = values.url ?? io.env["SYNCSPEC_DASHBOARD_URL"];
    const filing = values.store !== undefined || values.config !== undefined;
    if (filing && url !== undefined && values.records === undefined) throw new UsageError("--store and --config do not go with --url: a running service files gaps in its own store");
    if (url !== undefined && values.records === undefined) {
      const token = values.token ?? io.env["SYNCSPEC_DASHBOARD_TOKEN"];
      if (token === undefined) throw new UsageError("--url needs --token (or SYNCSPEC_DASHBOARD_TOKEN)");
      const response = await fetch(`${url.replace(/\/+$/, "")}/api/reconcile`, { method: "POST", headers: { authorization: `Bearer ${token}` } }).catch((error: Error) => error);
      if (response instanceof Error || !response.ok) {
        io.stderr(`spec reconcile: ${url} ${response instanceof Error ? `cannot be reached: ${response.message}` : `answered ${response.status}`}\n`);
        return EXIT.usage;
      }
      const results = (await response.json()) as { reconciliation: string; gaps: number }[];
      const gaps = results.reduce((sum, r) => sum + r.gaps, 0);
      io.stdout(format === "json" ? jsonOutput({ results }, { reconciliations: results.length, gaps }) : results.map((r) => `${r.reconciliation}: ${r.gaps} gap(s)\n`).join(""));
      return results.some((r) => r.gaps > 0) ? EXIT.findings : EXIT.ok;
    }
    const program = await loadProgram({ cwd: io.cwd, paths: positionals });
    if (!program.ok) {
      printDiagnostics(io, program.diagnostics, "stylish");
      return EXIT.findings;
    }
    const definitions = loweredReconciliations(program);
    const only = values.only?.split(",").map((s) => s.trim());
    const unknown = only?.filter((name) => !definitions.some((d) => d.name === name)) ?? [];
    if (unknown.length > 0) throw new UsageError(`no reconciliation named ${unknown.join(", ")}; there are ${definitions.map((d) => d.name).join(", ")}`);
    if (values.records === undefined) {
      await loadExpressionCompiler();
      const live = { program, definitions, only, period: values.period, store: values.store, config: values.config };
      return reconcileLive(io, live, (results, reconciler) => printResults(io, format, results, reconciler, true));
    }
    let records: Record<string, Record<string, unknown>[]>;
    try {
      records = JSON.parse(readFileSync(resolve(io.cwd, values.records as string), "utf8")) as Record<string, Record<string, unknown>[]>;
    } catch (error) {
      io.stderr(`spec reconcile: cannot read ${values.records}: ${(error as Error).message}\n`);
      return EXIT.usage;
    }
    const unread = unreadKeys(records, definitions);
    if (unread !== undefined) {
      io.stderr(`spec reconcile: ${values.records} ${unread}\n`);
      return EXIT.findings;
    }
    await loadExpressionCompiler();
    let store: Store | undefined;
    try {
      store = filing ? await storeFor(io, values) : undefined;
    } catch (error) {
      if (!(error instanceof ConfigurationError)) throw error;
      io.stderr(`spec reconcile: ${error.message}\n`);
      return EXIT.usage;
    }
    try {
      const reconciler = createReconciler({
        definitions,
        read: (system, entity) => records[`${system}/${entity}`] ?? [],
        ...(store === undefined ? {} : { sink: storeExceptionSink(store), lookups: store }),
      });
      const results = await reconciler.runAll(only, values.period);
      return printResults(io, format, results, reconciler, store !== undefined);
    } finally {
      await store?.close();
    }
  },
};
