/**
 * `spec replay --route <name> --from <time> --to <time> --reason <why>`: sets a route's stored
 * events received in [from, to) back to pending; the next `spec run` re-runs them. Deliveries keep
 * their idempotency keys, so nothing posts twice. A route the store holds no events of is refused
 * (exit 1) with the closest route that it does, so a typo does not pass for "0 events to replay".
 */
import { suggest } from "../compiler/diagnostics/suggest.ts";
import { ConfigurationError } from "../runtime/errors.ts";
import { actorOf } from "./actor.ts";
import { type Command, expectFormat, parseCommandArgs } from "./command.ts";
import { jsonOutput } from "./json-output.ts";
import { configOption, reportFormat, storeOption } from "./shared-options.ts";
import { storeFor } from "./exceptions.ts";
import { EXIT, UsageError } from "./io.ts";

/** Reads an ISO 8601 time or epoch milliseconds. */
export function parseTime(flag: string, text: string | undefined): number {
  if (text === undefined) throw new UsageError(`${flag} is required`);
  const value = /^[0-9]+$/.test(text) ? Number(text) : Date.parse(text);
  if (Number.isNaN(value)) throw new UsageError(`${flag} must be an ISO 8601 time or epoch milliseconds, got '${text}'`);
  return value;
}

/** Why a route cannot be replayed from this store, with the closest name that can. */
function unknownRoute(route: string, routes: readonly string[]): string {
  if (routes.length === 0) return `the store holds no events, so there is no route '${route}' to replay`;
  const suggestion = suggest(route, routes);
  return `the store holds no events of route '${route}'${suggestion === undefined ? "" : `; did you mean '${suggestion}'?`} (routes with events: ${routes.join(", ")})`;
}

export const replayCommand: Command = {
  name: "replay",
  summary: "Re-run a route's stored events from a time range; idempotency keeps each posting single",
  usage: "spec replay --route <name> --from <time> --to <time> --reason <why> [--by who] [--store url|--config file] [--format text|json]",
  options: [
    {
      name: "route",
      value: "name",
      description: "The route whose stored events run again (required)",
      examples: ["spec replay --route time-to-revenue --from 2026-03-01 --to 2026-03-02 --reason \"ERP outage\"", "spec replay --route invoice-release --from 2026-03-31T18:00Z --to 2026-03-31T20:00Z --reason \"billing fix\""],
    },
    {
      name: "from",
      value: "time",
      description: "The start of the range of times the events were received: an ISO 8601 time or epoch milliseconds (required)",
      examples: ["spec replay --route time-to-revenue --from 2026-03-01 --to 2026-03-02 --reason \"ERP outage\"", "spec replay --route payment-status --from 2026-03-05T09:00Z --to 2026-03-05T12:00Z --reason \"mapping fix\""],
    },
    {
      name: "to",
      value: "time",
      description: "The end of the range, after --from and not included (required)",
      examples: ["spec replay --route time-to-revenue --from 2026-03-01 --to 2026-03-02 --reason \"ERP outage\"", "spec replay --route payment-status --from 2026-03-05T09:00Z --to 2026-03-05T12:00Z --reason \"mapping fix\""],
    },
    {
      name: "reason",
      value: "why",
      description: "Why the events run again: required, and recorded in the audit log",
      examples: ["spec replay --route time-to-revenue --from 2026-03-01 --to 2026-03-02 --reason \"rate card corrected\"", "spec replay --route invoice-release --from 2026-03-31 --to 2026-04-01 --reason \"tax code fix\""],
    },
    {
      name: "by",
      value: "who",
      description: "Who replays, as the audit log records it",
      default: "the git user (user.name <user.email>) of the working directory, else $USER",
      examples: ["spec replay --route time-to-revenue --from 2026-03-01 --to 2026-03-02 --reason \"outage\" --by ana", "spec replay --route payment-status --from 2026-03-05 --to 2026-03-06 --reason \"fix\" --by finance-ops"],
    },
    storeOption("spec replay --route time-to-revenue --from 2026-03-01 --to 2026-03-02 --reason \"outage\""),
    configOption("spec replay --route time-to-revenue --from 2026-03-01 --to 2026-03-02 --reason \"outage\""),
    reportFormat("spec replay --route time-to-revenue --from 2026-03-01 --to 2026-03-02 --reason \"outage\""),
  ],
  async run(args, io) {
    const { values } = parseCommandArgs(args, {
      route: { type: "string" },
      from: { type: "string" },
      to: { type: "string" },
      reason: { type: "string" },
      by: { type: "string" },
      store: { type: "string" },
      config: { type: "string" },
      format: { type: "string" },
    });
    const format = expectFormat(values.format, ["text", "json"] as const, "text");
    if (values.route === undefined) throw new UsageError("--route is required");
    const from = parseTime("--from", values.from);
    const to = parseTime("--to", values.to);
    if (to <= from) throw new UsageError("--to must be after --from");
    if ((values.reason ?? "").trim() === "") throw new UsageError("--reason is required: the audit log records why");
    let store: Awaited<ReturnType<typeof storeFor>>;
    try {
      store = await storeFor(io, values);
    } catch (error) {
      if (!(error instanceof ConfigurationError)) throw error;
      io.stderr(`spec replay: ${error.message}\n`);
      return EXIT.usage;
    }
    try {
      const routes = await store.routes();
      if (!routes.includes(values.route)) {
        io.stderr(`spec replay: ${unknownRoute(values.route, routes)}\n`);
        return EXIT.findings;
      }
      const who = actorOf(io, values.by);
      const count = await store.replay({ route: values.route, from, to, who, why: values.reason as string, now: Date.now() });
      const range = { from: new Date(from).toISOString(), to: new Date(to).toISOString() };
      if (format === "json") io.stdout(jsonOutput({ route: values.route, ...range, by: who }, { replayed: count }));
      else io.stdout(`replaying ${count} event${count === 1 ? "" : "s"} of ${values.route} received from ${range.from} to ${range.to}\n`);
      return EXIT.ok;
    } finally {
      await store.close();
    }
  },
};
