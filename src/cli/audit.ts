/**
 * `spec audit verify`: recomputes the audit log's hash chain and reports the first row that was
 * edited, inserted or deleted (exit 1). `spec audit trail --trace <id>`: every state change of one
 * source event and its downstream calls; a trace the log does not hold is an error (exit 1) with
 * the closest trace id among the newest rows.
 */
import { suggest } from "../compiler/diagnostics/suggest.ts";
import { ConfigurationError } from "../runtime/errors.ts";
import type { Store } from "../runtime/store/store.ts";
import { type Command, expectAction, expectFormat, parseCommandArgs } from "./command.ts";
import { storeFor } from "./exceptions.ts";
import { EXIT, UsageError } from "./io.ts";
import { jsonOutput } from "./json-output.ts";
import { configOption, reportFormat, storeOption } from "./shared-options.ts";

/** How many of the newest audit rows are searched for a trace id close to a mistyped one. */
const SUGGESTION_ROWS = 10_000;

/** Why a trace has no trail, with the closest trace id among the newest rows of the log. */
async function unknownTrace(store: Store, trace: string): Promise<string> {
  const recent = await store.auditTrail({ limit: SUGGESTION_ROWS, newest: true });
  const traces = new Set<string>();
  for (const entry of recent) if (entry.traceId !== null) traces.add(entry.traceId);
  const suggestion = suggest(trace, traces);
  return `the audit log holds no trace '${trace}'${suggestion === undefined ? "" : `; did you mean '${suggestion}'?`}`;
}

export const auditCommand: Command = {
  name: "audit",
  summary: "Verify the audit log's hash chain, or show the trail of one trace",
  usage: "spec audit verify|trail [--trace id] [--store url|--config file] [--format text|json]",
  actions: ["verify", "trail"],
  options: [
    {
      name: "trace",
      value: "id",
      description: "With trail: the trace whose state changes and downstream calls are shown (required)",
      examples: ["spec audit trail --trace 4bf92f3577b34da6a3ce929d0e0e4736", "spec audit trail --trace 4bf92f3577b34da6a3ce929d0e0e4736 --format json"],
    },
    storeOption("spec audit verify"),
    configOption("spec audit verify"),
    reportFormat("spec audit verify"),
  ],
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, {
      trace: { type: "string" },
      store: { type: "string" },
      config: { type: "string" },
      format: { type: "string" },
    });
    const format = expectFormat(values.format, ["text", "json"] as const, "text");
    const action = expectAction(positionals[0], ["verify", "trail"] as const);
    if (action === "trail" && values.trace === undefined) throw new UsageError("trail needs --trace <id>");
    let store: Awaited<ReturnType<typeof storeFor>>;
    try {
      store = await storeFor(io, values);
    } catch (error) {
      if (!(error instanceof ConfigurationError)) throw error;
      io.stderr(`spec audit: ${error.message}\n`);
      return EXIT.usage;
    }
    try {
      if (action === "verify") {
        const result = await store.verifyAudit();
        if (format === "json") io.stdout(jsonOutput({ ...result }, { intact: result.ok, rows: result.rows }));
        else if (result.ok) io.stdout(`audit log intact: ${result.rows} rows\n`);
        else io.stdout(`audit log broken at row ${result.seq}: ${result.problem} (${result.rows} rows verified before it)\n`);
        return result.ok ? EXIT.ok : EXIT.findings;
      }
      const trace = values.trace as string;
      const trail = await store.auditTrail({ traceId: trace, limit: 10_000 });
      if (trail.length === 0) {
        io.stderr(`spec audit: ${await unknownTrace(store, trace)}\n`);
        return EXIT.findings;
      }
      if (format === "json") io.stdout(jsonOutput({ trace, entries: trail }, { entries: trail.length }));
      else for (const e of trail) io.stdout(`${new Date(e.at).toISOString()}  ${e.actor}  ${e.action}  ${e.subject}  ${JSON.stringify(e.detail)}\n`);
      return EXIT.ok;
    } finally {
      await store.close();
    }
  },
};
