/**
 * `spec status`: the dashboard's health in a terminal. It asks a running dashboard (`--url` and
 * `--token`, or SYNCSPEC_DASHBOARD_URL and SYNCSPEC_DASHBOARD_TOKEN), or reads the store the run
 * configuration names directly.
 */
import { loadProgram } from "../compiler/program.ts";
import { collectSnapshot, type OpsSnapshot } from "../ops/snapshot.ts";
import { statusText } from "../ops/status-text.ts";
import { compiledInMemory } from "./load-compiled.ts";
import { ConfigurationError } from "../runtime/errors.ts";
import { loadRunConfig, openStore } from "../runtime/run-config.ts";
import type { Store } from "../runtime/store/store.ts";
import { type Command, expectFormat, parseCommandArgs } from "./command.ts";
import { jsonOutput } from "./json-output.ts";
import { configOption, reportFormat } from "./shared-options.ts";
import { EXIT, UsageError } from "./io.ts";
import { printDiagnostics } from "./print-diagnostics.ts";

/** The counts a script checks first. */
function statusSummary(snapshot: OpsSnapshot, unhealthy: boolean): Record<string, unknown> {
  return {
    healthy: !unhealthy,
    openCircuits: snapshot.systems.filter((s) => s.circuit === "open").length,
    openDeadLetters: snapshot.deadLetters.filter((i) => i.status === "open").length,
    openExceptions: snapshot.exceptions.filter((i) => i.status === "open").length,
    exceptionsPastSla: snapshot.business.exceptionsPastSla,
    reconciliationGaps: snapshot.reconciliations.reduce((sum, r) => sum + r.gaps.length, 0),
  };
}

export const statusCommand: Command = {
  name: "status",
  summary: "Print the health of systems, routes, queues and reconciliation",
  usage: "spec status [--url <dashboard-url> --token <token>] [--config syncspec.run.yaml] [--format text|json] [specs-dir]",
  options: [
    {
      name: "url",
      value: "dashboard-url",
      description: "Read the health of a running service or demo from its dashboard (needs --token)",
      default: "$SYNCSPEC_DASHBOARD_URL, else the store of the run configuration",
      examples: ["spec status --url http://127.0.0.1:8081 --token $TOKEN", "spec status --url https://ops.example.com --token $TOKEN --format json"],
    },
    {
      name: "token",
      value: "token",
      description: "With --url: the dashboard's token",
      default: "$SYNCSPEC_DASHBOARD_TOKEN",
      examples: ["spec status --url http://127.0.0.1:8081 --token $TOKEN", "spec status --url https://ops.example.com --token $(cat ops-token) --format json"],
    },
    configOption("spec status"),
    reportFormat("spec status"),
  ],
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, {
      url: { type: "string" },
      token: { type: "string" },
      config: { type: "string" },
      format: { type: "string" },
    });
    const format = expectFormat(values.format, ["text", "json"] as const, "text");
    const url = values.url ?? io.env["SYNCSPEC_DASHBOARD_URL"];
    let snapshot: OpsSnapshot;
    if (url !== undefined) {
      const token = values.token ?? io.env["SYNCSPEC_DASHBOARD_TOKEN"];
      if (token === undefined) throw new UsageError("--url needs --token (or SYNCSPEC_DASHBOARD_TOKEN)");
      let response: Response;
      try {
        response = await fetch(`${url.replace(/\/+$/, "")}/api/snapshot?fresh`, { headers: { authorization: `Bearer ${token}` } });
      } catch (error) {
        io.stderr(`spec status: cannot reach ${url}: ${(error as Error).message}\n`);
        return EXIT.usage;
      }
      if (!response.ok) {
        io.stderr(`spec status: ${url} answered ${response.status}${response.status === 401 ? " (wrong token)" : ""}\n`);
        return EXIT.usage;
      }
      snapshot = (await response.json()) as OpsSnapshot;
    } else {
      const program = await loadProgram({ cwd: io.cwd, paths: positionals.length === 0 ? [] : positionals });
      if (!program.ok) {
        printDiagnostics(io, program.diagnostics, format === "json" ? "json" : "stylish");
        return EXIT.findings;
      }
      let store: Store;
      try {
        const config = loadRunConfig(io.cwd, values.config);
        store = await openStore(config.store, config.root, { oneShot: true, existing: true });
      } catch (error) {
        if (!(error instanceof ConfigurationError)) throw error;
        io.stderr(`spec status: ${error.message}\n`);
        return EXIT.usage;
      }
      try {
        snapshot = await collectSnapshot({ store, compiled: compiledInMemory(program) });
      } finally {
        await store.close();
      }
    }
    const unhealthy = snapshot.systems.some((s) => s.circuit === "open") || snapshot.deadLetters.some((i) => i.status === "open") || snapshot.business.exceptionsPastSla > 0;
    io.stdout(format === "json" ? jsonOutput({ ...snapshot }, statusSummary(snapshot, unhealthy)) : statusText(snapshot));
    return unhealthy ? EXIT.findings : EXIT.ok;
  },
};
