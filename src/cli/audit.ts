/**
 * `spec audit verify`: recomputes the audit log's hash chain and reports the first row that was
 * edited, inserted or deleted (exit 1). `spec audit trail --trace <id>`: every state change of one
 * source event and its downstream calls.
 */
import { ConfigurationError } from "../runtime/errors.ts";
import { type Command, expectFormat, parseCommandArgs } from "./command.ts";
import { storeFor } from "./exceptions.ts";
import { EXIT, UsageError } from "./io.ts";

export const auditCommand: Command = {
  name: "audit",
  summary: "Verify the audit log's hash chain, or show the trail of one trace",
  usage: "spec audit verify|trail [--trace id] [--store url|--config file] [--format text|json]",
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, {
      trace: { type: "string" },
      store: { type: "string" },
      config: { type: "string" },
      format: { type: "string" },
    });
    const format = expectFormat(values.format, ["text", "json"] as const, "text");
    const [action] = positionals;
    if (action !== "verify" && action !== "trail") throw new UsageError("expected verify or trail");
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
        if (format === "json") io.stdout(`${JSON.stringify(result)}\n`);
        else if (result.ok) io.stdout(`audit log intact: ${result.rows} rows\n`);
        else io.stdout(`audit log broken at row ${result.seq}: ${result.problem} (${result.rows} rows verified before it)\n`);
        return result.ok ? EXIT.ok : EXIT.findings;
      }
      const trail = await store.auditTrail({ traceId: values.trace as string, limit: 10_000 });
      if (format === "json") io.stdout(`${JSON.stringify(trail, null, 2)}\n`);
      else for (const e of trail) io.stdout(`${new Date(e.at).toISOString()}  ${e.actor}  ${e.action}  ${e.subject}  ${JSON.stringify(e.detail)}\n`);
      return EXIT.ok;
    } finally {
      await store.close();
    }
  },
};
