/**
 * `spec audit verify`: recomputes the audit log's hash chain and reports the first row that was
 * edited, inserted or deleted (exit 1). `spec audit trail`: every state change of one source event
 * and its downstream calls, found by the trace id (`--trace`, as `spec exceptions list` prints
 * it), the event's id (`--event`) or its idempotency key (`--key`, of every route or `--route`'s).
 * An id the store does not hold is an error (exit 1), with the closest trace id for a mistyped one.
 */
import { suggest } from "../compiler/diagnostics/suggest.ts";
import { ConfigurationError } from "../runtime/errors.ts";
import type { AuditEntry, EventRef, Store } from "../runtime/store/store.ts";
import { type Command, expectAction, expectFormat, parseCommandArgs } from "./command.ts";
import { storeFor } from "./exceptions.ts";
import { type CliIo, EXIT, UsageError } from "./io.ts";
import { jsonOutput } from "./json-output.ts";
import { configOption, reportFormat, storeOption } from "./shared-options.ts";

/** How many of the newest audit rows are searched for a trace id close to a mistyped one. */
const SUGGESTION_ROWS = 10_000;
/** The most rows one trail prints. */
const TRAIL_ROWS = 10_000;

/** Why a trace has no trail, with the closest trace id among the newest rows of the log. */
async function unknownTrace(store: Store, trace: string): Promise<string> {
  const recent = await store.auditTrail({ limit: SUGGESTION_ROWS, newest: true });
  const traces = new Set<string>();
  for (const entry of recent) if (entry.traceId !== null) traces.add(entry.traceId);
  const suggestion = suggest(trace, traces);
  return `the audit log holds no trace '${trace}'${suggestion === undefined ? "" : `; did you mean '${suggestion}'?`}`;
}

/** What `trail` was asked to follow: exactly one of a trace id, an event id or an idempotency key. */
type TrailQuery = { trace: string } | { event: number } | { key: string; route?: string };

function trailQuery(values: { trace?: string | undefined; event?: string | undefined; key?: string | undefined; route?: string | undefined }): TrailQuery {
  const given = (["trace", "event", "key"] as const).filter((name) => values[name] !== undefined);
  if (given.length !== 1) throw new UsageError(given.length === 0 ? "trail needs --trace <id>, --event <id> or --key <idempotency key>" : `give one of --${given.join(", --")}, not several`);
  if (values.route !== undefined && values.key === undefined) throw new UsageError("--route narrows --key; a trace or an event id names one event already");
  if (values.trace !== undefined) return { trace: values.trace };
  if (values.event !== undefined) {
    if (!/^[1-9][0-9]{0,15}$/.test(values.event)) throw new UsageError(`--event must be an event id (a positive integer), not '${values.event}'`);
    return { event: Number(values.event) };
  }
  return { key: values.key as string, ...(values.route === undefined ? {} : { route: values.route }) };
}

/** One trace to print: its id and, when it was found through its event, which event that is. */
interface TraceTarget {
  traceId: string;
  event?: EventRef;
}

/** The traces a query names, or the sentence saying why there are none. */
async function resolveTraces(store: Store, query: TrailQuery): Promise<TraceTarget[] | string> {
  if ("trace" in query) return [{ traceId: query.trace }];
  if ("event" in query) {
    const traceId = await store.eventTrace(query.event);
    return traceId === undefined ? `the store holds no event ${query.event}` : [{ traceId }];
  }
  const events = await store.eventsByKey(query.key, query.route);
  if (events.length > 0) return events.map((event) => ({ traceId: event.traceId, event }));
  const routes = query.route === undefined ? "" : ` of route '${query.route}'`;
  return `the store holds no event${routes} with idempotency key '${query.key}'`;
}

function entryLine(e: AuditEntry): string {
  return `${new Date(e.at).toISOString()}  ${e.actor}  ${e.action}  ${e.subject}  ${JSON.stringify(e.detail)}\n`;
}

function traceHeading(target: TraceTarget): string {
  return `trace ${target.traceId}${target.event === undefined ? "" : ` (event ${target.event.eventId} of ${target.event.route})`}\n`;
}

/** Prints the trail of each trace; returns the exit code. */
async function printTrail(store: Store, query: TrailQuery, format: "text" | "json", io: CliIo): Promise<number> {
  const targets = await resolveTraces(store, query);
  if (typeof targets === "string") {
    io.stderr(`spec audit: ${targets}\n`);
    return EXIT.findings;
  }
  const trails = await Promise.all(targets.map(async (t) => ({ ...t, entries: await store.auditTrail({ traceId: t.traceId, limit: TRAIL_ROWS }) })));
  if ("trace" in query && trails[0]?.entries.length === 0) {
    io.stderr(`spec audit: ${await unknownTrace(store, query.trace)}\n`);
    return EXIT.findings;
  }
  if (format === "json") {
    // One shape whatever the query: every entry in log order (each names its trace), the trace when
    // there is one, and which event each trace was found through.
    const traces = trails.map((t) => ({ traceId: t.traceId, ...(t.event === undefined ? {} : { eventId: t.event.eventId, route: t.event.route }) }));
    const entries = trails.flatMap((t) => t.entries).sort((a, b) => a.seq - b.seq);
    io.stdout(jsonOutput({ trace: traces.length === 1 ? traces[0]?.traceId : null, traces, entries }, { traces: traces.length, entries: entries.length }));
    return EXIT.ok;
  }
  for (const trail of trails) {
    io.stdout(traceHeading(trail));
    for (const e of trail.entries) io.stdout(entryLine(e));
  }
  return EXIT.ok;
}

export const auditCommand: Command = {
  name: "audit",
  summary: "Verify the audit log's hash chain, or show the trail of one trace, event or idempotency key",
  usage: "spec audit verify|trail [--trace id | --event id | --key key [--route name]] [--store url|--config file] [--format text|json]",
  actions: ["verify", "trail"],
  options: [
    {
      name: "trace",
      value: "id",
      description: "With trail: the trace whose state changes and downstream calls are shown, as spec exceptions list prints it",
      examples: ["spec audit trail --trace 4bf92f3577b34da6a3ce929d0e0e4736", "spec audit trail --trace 4bf92f3577b34da6a3ce929d0e0e4736 --format json"],
    },
    {
      name: "event",
      value: "id",
      description: "With trail: the stored event whose trace is shown",
      examples: ["spec audit trail --event 1042", "spec audit trail --event 1042 --format json"],
    },
    {
      name: "key",
      value: "key",
      description: "With trail: the idempotency key (the route's key values, joined) whose events' traces are shown, of every route that holds it",
      examples: ["spec audit trail --key TE-881", "spec audit trail --key TE-881 --route time-to-revenue"],
    },
    {
      name: "route",
      value: "name",
      description: "With --key: only the event of this route",
      examples: ["spec audit trail --key TE-881 --route time-to-revenue", "spec audit trail --key P-2026-014 --route opportunity-to-project --format json"],
    },
    storeOption("spec audit verify"),
    configOption("spec audit verify"),
    reportFormat("spec audit verify"),
  ],
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, {
      trace: { type: "string" },
      event: { type: "string" },
      key: { type: "string" },
      route: { type: "string" },
      store: { type: "string" },
      config: { type: "string" },
      format: { type: "string" },
    });
    const format = expectFormat(values.format, ["text", "json"] as const, "text");
    const action = expectAction(positionals[0], ["verify", "trail"] as const);
    const query = action === "trail" ? trailQuery(values) : undefined;
    let store: Awaited<ReturnType<typeof storeFor>>;
    try {
      store = await storeFor(io, values);
    } catch (error) {
      if (!(error instanceof ConfigurationError)) throw error;
      io.stderr(`spec audit: ${error.message}\n`);
      return EXIT.usage;
    }
    try {
      if (query !== undefined) return await printTrail(store, query, format, io);
      const result = await store.verifyAudit();
      if (format === "json") io.stdout(jsonOutput({ ...result }, { intact: result.ok, rows: result.rows }));
      else if (result.ok) io.stdout(`audit log intact: ${result.rows} rows\n`);
      else io.stdout(`audit log broken at row ${result.seq}: ${result.problem} (${result.rows} rows verified before it)\n`);
      return result.ok ? EXIT.ok : EXIT.findings;
    } finally {
      await store.close();
    }
  },
};
