/**
 * `spec replay --route <name> --from <time> --to <time> --reason <why>`: sets a route's stored
 * events received in [from, to) back to pending; the next `spec run` re-runs them. Deliveries keep
 * their idempotency keys, so nothing posts twice. A route the store holds no events of is refused
 * (exit 1) with the closest route that it does, so a typo does not pass for "0 events to replay".
 */
import { suggest } from "../compiler/diagnostics/suggest.ts";
import { ConfigurationError } from "../runtime/errors.ts";
import { actorOf } from "./actor.ts";
import { type Command, parseCommandArgs } from "./command.ts";
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
  usage: "spec replay --route <name> --from <time> --to <time> --reason <why> [--by who] [--store url|--config file]",
  async run(args, io) {
    const { values } = parseCommandArgs(args, {
      route: { type: "string" },
      from: { type: "string" },
      to: { type: "string" },
      reason: { type: "string" },
      by: { type: "string" },
      store: { type: "string" },
      config: { type: "string" },
    });
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
      io.stdout(`replaying ${count} event${count === 1 ? "" : "s"} of ${values.route} received from ${new Date(from).toISOString()} to ${new Date(to).toISOString()}\n`);
      return EXIT.ok;
    } finally {
      await store.close();
    }
  },
};
