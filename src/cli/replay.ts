/**
 * `spec replay --route <name> --from <time> --to <time> --reason <why> [--force] [--dry-run]`:
 * replays a route's stored events received in [from, to) with regard for what they did. A
 * delivery that stopped (dead letter, exception) is sent again with its request as it stands; an
 * event that stopped before sending is routed again; an event already delivered, one a person
 * skipped and one still being delivered are left alone unless `--force` routes every event again
 * (under the same idempotency keys). `--dry-run` lists what would be done and changes nothing. The
 * dead letters and exceptions of the deliveries a replay sends close once they are delivered. A
 * route the store holds no events of is refused (exit 1) with the closest route that it does, so a
 * typo does not pass for "0 events to replay".
 */
import { suggest } from "../compiler/diagnostics/suggest.ts";
import { ConfigurationError } from "../runtime/errors.ts";
import type { ReplayItem, ReplayOutcome } from "../runtime/store/store.ts";
import { type Command, expectFormat, parseCommandArgs } from "./command.ts";
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
function outcomeText(outcome: ReplayOutcome, route: string, from: number, to: number, dryRun: boolean): string {
  const n = outcome.replayed;
  const range = `${route} received from ${new Date(from).toISOString()} to ${new Date(to).toISOString()}`;
  const head = `${dryRun ? "dry run: would replay" : "replaying"} ${n} of ${outcome.items.length} event${outcome.items.length === 1 ? "" : "s"} of ${range}\n`;
  return head + outcome.items.map(itemLine).join("");
}

export const replayCommand: Command = {
  name: "replay",
  summary: "Replay a route's stored events from a time range: stopped deliveries sent again, delivered ones left alone unless --force",
  usage: "spec replay --route <name> --from <time> --to <time> --reason <why> [--force] [--dry-run] [--by who] [--store url|--config file] [--format text|json]",
  async run(args, io) {
    const { values } = parseCommandArgs(args, {
      route: { type: "string" },
      from: { type: "string" },
      to: { type: "string" },
      reason: { type: "string" },
      by: { type: "string" },
      store: { type: "string" },
      config: { type: "string" },
      force: { type: "boolean" },
      "dry-run": { type: "boolean" },
      format: { type: "string" },
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
      const who = values.by ?? io.env["USER"] ?? "unknown";
      const outcome = await store.replay({ route: values.route, from, to, who, why: values.reason ?? "", now: Date.now(), force: values.force === true, dryRun });
      io.stdout(format === "json" ? `${JSON.stringify({ dryRun, ...outcome }, null, 2)}\n` : outcomeText(outcome, values.route, from, to, dryRun));
      return EXIT.ok;
    } finally {
      await store.close();
    }
  },
};
