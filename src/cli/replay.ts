/**
 * `spec replay --route <name> --from <time> --to <time> --reason <why> [--force] [--dry-run]`:
 * replays a route's stored events received in [from, to) with regard for what they did. A
 * delivery that stopped (dead letter, exception) is sent again with its request as it stands; an
 * event that stopped before sending, or was rejected, is routed again; an event already delivered,
 * one a person skipped and one still being delivered are left alone unless `--force` routes every
 * event again (under the same idempotency keys). `--dry-run` lists what would be done and changes
 * nothing. The dead letters and exceptions of the deliveries a replay sends close once they are
 * delivered. A route the store holds no events of is refused (exit 1) with the closest route that
 * it does, so a typo does not pass for "0 events to replay".
 */
import { suggest } from "../compiler/diagnostics/suggest.ts";
import { ConfigurationError } from "../runtime/errors.ts";
import type { ReplayItem, ReplayOutcome } from "../runtime/store/store.ts";
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

/** One line per event: what the replay does with it, and why. */
function itemLine(item: ReplayItem): string {
  const targets = item.deliveries.map((d) => `${d.system}.${d.operation} (delivery ${d.id})`).join(", ");
  const what = item.action === "resend" ? `send again ${targets}` : item.action === "route-again" ? "route again" : "leave";
  return `  event ${item.eventId} (${item.key}): ${what}: ${item.reason}\n`;
}

/** The replay's summary and its events, as a person reads them. */
function outcomeText(outcome: ReplayOutcome, route: string, range: { from: string; to: string }, dryRun: boolean): string {
  const n = outcome.items.length;
  const head = `${dryRun ? "dry run: would replay" : "replaying"} ${outcome.replayed} of ${n} event${n === 1 ? "" : "s"} of ${route} received from ${range.from} to ${range.to}\n`;
  return head + outcome.items.map(itemLine).join("");
}

const EXAMPLE = 'spec replay --route time-to-revenue --from 2026-03-01 --to 2026-03-02 --reason "ERP outage"';

export const replayCommand: Command = {
  name: "replay",
  summary: "Replay a route's stored events from a time range: stopped deliveries sent again, delivered ones left alone unless --force",
  usage: "spec replay --route <name> --from <time> --to <time> --reason <why> [--force] [--dry-run] [--by who] [--store url|--config file] [--format text|json]",
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
      description: "Why the events run again: required (but for --dry-run), and recorded in the audit log",
      examples: ["spec replay --route time-to-revenue --from 2026-03-01 --to 2026-03-02 --reason \"rate card corrected\"", "spec replay --route invoice-release --from 2026-03-31 --to 2026-04-01 --reason \"tax code fix\""],
    },
    {
      name: "by",
      value: "who",
      description: "Who replays, as the audit log records it",
      default: "the git user (user.name <user.email>) of the working directory, else $USER",
      examples: ["spec replay --route time-to-revenue --from 2026-03-01 --to 2026-03-02 --reason \"outage\" --by ana", "spec replay --route payment-status --from 2026-03-05 --to 2026-03-06 --reason \"fix\" --by finance-ops"],
    },
    {
      name: "force",
      description: "Route every event in the range again, those already delivered or skipped by a person too, under the same idempotency keys",
      examples: [`${EXAMPLE} --force`, 'spec replay --route invoice-release --from 2026-03-31 --to 2026-04-01 --reason "audit re-run" --force --dry-run'],
    },
    {
      name: "dry-run",
      description: "List each event of the range with what the replay would do and why, and change nothing",
      examples: ["spec replay --route time-to-revenue --from 2026-03-01 --to 2026-03-02 --dry-run", "spec replay --route payment-status --from 2026-03-05 --to 2026-03-06 --dry-run --format json"],
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
      force: { type: "boolean" },
      "dry-run": { type: "boolean" },
    });
    const format = expectFormat(values.format, ["text", "json"] as const, "text");
    const dryRun = values["dry-run"] === true;
    if (values.route === undefined) throw new UsageError("--route is required");
    const from = parseTime("--from", values.from);
    const to = parseTime("--to", values.to);
    if (to <= from) throw new UsageError("--to must be after --from");
    if (!dryRun && (values.reason ?? "").trim() === "") throw new UsageError("--reason is required: the audit log records why");
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
      const outcome = await store.replay({ route: values.route, from, to, who, why: values.reason ?? "", now: Date.now(), force: values.force === true, dryRun });
      const range = { from: new Date(from).toISOString(), to: new Date(to).toISOString() };
      if (format === "json") io.stdout(jsonOutput({ route: values.route, ...range, by: who, dryRun, items: outcome.items }, { replayed: outcome.replayed, events: outcome.items.length }));
      else io.stdout(outcomeText(outcome, values.route, range, dryRun));
      return EXIT.ok;
    } finally {
      await store.close();
    }
  },
};
