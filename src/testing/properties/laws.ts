/**
 * The runtime's laws, stated over the runs of one scenario. Each law reads the runs it needs and
 * returns why it broke (a sentence naming events as `#1`, `#2` in the order they were generated),
 * or undefined when it held.
 */
import { isDeepStrictEqual } from "node:util";
import type { PipelineDefinition } from "../../runtime/pipeline.ts";
import { keyOf } from "../../runtime/process-event.ts";
import { canonicalJson } from "../../runtime/store/canonical-json.ts";
import type { AppliedRequest, RunOutcome } from "./world.ts";

/** The runs a law may read. */
export interface ScenarioRuns {
  events: readonly unknown[];
  /** Each event offered once, in order. */
  once(): Promise<RunOutcome>;
  /** The events offered with duplicates, in another order, and some offered again after settling. */
  again(): Promise<RunOutcome>;
  /** As `once`, worked long after the events were accepted, with another random source. */
  elsewhere(): Promise<RunOutcome>;
  /** How `again` offered the events, for the report: `#2, #1, #2; then #1`. */
  againOrder: string;
}

/** A law: its name, the sentence it checks, and the check. */
export interface Law {
  name: "idempotency" | "ordering" | "no-loss" | "determinism" | "key-uniqueness";
  states: string;
  /** Why the law does not apply to this route, if it does not. */
  notApplicable?(pipeline: PipelineDefinition, identityFromKey: boolean): string | undefined;
  check(pipeline: PipelineDefinition, runs: ScenarioRuns): Promise<string | undefined>;
}

const label = (event: number) => `#${event + 1}`;
const CONFLICT = /arrived again with a different payload/;

function ordinal(n: number): string {
  const suffix = n % 100 >= 11 && n % 100 <= 13 ? "th" : ({ 1: "st", 2: "nd", 3: "rd" } as Record<number, string>)[n % 10] ?? "th";
  return `${n}${suffix}`;
}

/** The dotted paths at which two JSON values differ (at most `limit`). */
export function differingPaths(a: unknown, b: unknown, path = "", limit = 3, out: string[] = []): string[] {
  if (out.length >= limit || isDeepStrictEqual(a, b)) return out;
  if (a !== null && b !== null && typeof a === "object" && typeof b === "object" && Array.isArray(a) === Array.isArray(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const key of keys) differingPaths((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], path === "" ? key : `${path}.${key}`, limit, out);
    return out;
  }
  out.push(path === "" ? "the whole body" : path);
  return out;
}

/** The position at which each event was accepted (its first offer that the inbox took). */
function acceptedOrder(run: RunOutcome): Map<number, number> {
  const order = new Map<number, number>();
  for (const offer of run.offers) if (offer.status === "accepted" && !order.has(offer.event)) order.set(offer.event, order.size);
  return order;
}

function orderingViolation(pipeline: PipelineDefinition, events: readonly unknown[], run: RunOutcome, how: string): string | undefined {
  const fields = pipeline.orderingKey ?? [];
  const order = acceptedOrder(run);
  const last = new Map<string, { event: number; position: number }>();
  for (const request of run.applied) {
    const position = order.get(request.event);
    if (position === undefined) continue;
    const key = keyOf(events[request.event], fields);
    const group = `${request.system}\u0000${key ?? ""}`;
    const before = last.get(group);
    if (before !== undefined && position < before.position) {
      return (
        `${request.system} received the deliveries of ${fields.map((f) => `${f}`).join(", ")} = ${key} out of order (${how}): ` +
        `event ${label(request.event)}, accepted ${ordinal(position + 1)}, reached it after event ${label(before.event)}, accepted ${ordinal(before.position + 1)}`
      );
    }
    last.set(group, { event: request.event, position });
  }
  return undefined;
}

function eventOfIssue(run: RunOutcome, issue: { eventId: number | null }): string {
  if (issue.eventId === null) return "a record";
  const offer = run.offers.find((o) => "eventId" in o && o.eventId === issue.eventId);
  return offer === undefined ? `event id ${issue.eventId}` : `event ${label(offer.event)}`;
}

function requestsByEvent(applied: readonly AppliedRequest[]): Map<string, string[]> {
  const grouped = new Map<string, string[]>();
  for (const r of applied) {
    const key = `${r.event}\u0000${r.system}.${r.operation}`;
    grouped.set(key, [...(grouped.get(key) ?? []), canonicalJson({ method: r.method, path: r.path, body: r.body })]);
  }
  return grouped;
}

function multisetDifference(a: readonly string[], b: readonly string[]): { entry: string; inA: number; inB: number } | undefined {
  const count = (list: readonly string[]) => list.reduce((m, e) => m.set(e, (m.get(e) ?? 0) + 1), new Map<string, number>());
  const ca = count(a);
  const cb = count(b);
  for (const entry of new Set([...a, ...b])) {
    const inA = ca.get(entry) ?? 0;
    const inB = cb.get(entry) ?? 0;
    if (inA !== inB) return { entry, inA, inB };
  }
  return undefined;
}

function ledgerChange(diff: { entry: string; inA: number; inB: number }, what: string, baseline: string): string {
  const { target, ...entry } = JSON.parse(diff.entry) as { target: string; body?: unknown };
  return `${what} changed what ${target} holds: ${JSON.stringify(entry)} is there ${diff.inB} time(s), where ${baseline} leaves it ${diff.inA} time(s)`;
}

/** The laws, in the order the report lists them. */
export const LAWS: readonly Law[] = [
  {
    name: "idempotency",
    states: "offering every event again, duplicated and in any order, changes nothing at the targets",
    async check(_pipeline, runs) {
      const [once, again] = [await runs.once(), await runs.again()];
      // Copies offered while the originals were in flight: the same effects as each event once
      // (bodies aside, which the determinism law compares).
      const shape = (ledger: readonly string[]) => ledger.map((e) => canonicalJson({ ...(JSON.parse(e) as object), body: undefined }));
      const early = multisetDifference(shape(once.ledgers.at(-1) ?? []), shape(again.ledgers[0] ?? []));
      if (early !== undefined) return ledgerChange(early, `offering copies of the events while they were being worked (${runs.againOrder.split(";")[0]})`, "offering each event once");
      const late = multisetDifference(again.ledgers[0] ?? [], again.ledgers[1] ?? []);
      if (late !== undefined) return ledgerChange(late, `offering the events again after they were delivered (${runs.againOrder.split("; then, after settling, ")[1] ?? ""})`, "before");
      return undefined;
    },
  },
  {
    name: "ordering",
    states: "each target receives an ordering key's deliveries in the order its events were accepted",
    notApplicable: (pipeline) => (pipeline.orderingKey === undefined ? "the route declares no ordering key" : undefined),
    async check(pipeline, runs) {
      return (
        orderingViolation(pipeline, runs.events, await runs.once(), "each event offered once, in order") ??
        orderingViolation(pipeline, runs.events, await runs.again(), `offered as ${runs.againOrder}`)
      );
    },
  },
  {
    name: "no-loss",
    states: "every accepted event is delivered, skipped by the trigger's condition, rejected by a reject step, or legitimately waiting",
    async check(_pipeline, runs) {
      const run = await runs.once();
      const refused = run.offers.find((o) => o.status === "refused");
      if (refused !== undefined && "reason" in refused) return `event ${label(refused.event)} was refused at intake: ${refused.reason}`;
      for (const issue of run.issues) {
        if (CONFLICT.test(issue.reason)) continue;
        // A declared rejection (a reject step) is an outcome the spec chose, held in its queue with its reason code.
        if (issue.reasonCode !== null) continue;
        const where = issue.kind === "dead-letter" ? `the dead-letter queue ${issue.queue}` : `the exception queue ${issue.queue}`;
        return `${eventOfIssue(run, issue)} was not delivered: it went to ${where} (${issue.reason})`;
      }
      const stuck = (run.counts.events["pending"] ?? 0) + (run.counts.events["processing"] ?? 0);
      if (stuck > 0) return `${stuck} accepted event(s) were still pending after the runtime settled`;
      const undelivered = Object.entries(run.counts.deliveries).filter(([status]) => status !== "delivered");
      if (undelivered.length > 0) return `deliveries were left ${undelivered.map(([s, n]) => `${s} (${n})`).join(", ")} after the runtime settled`;
      return undefined;
    },
  },
  {
    name: "determinism",
    states: "the same event builds the same requests however long after it was accepted it is worked, whatever the random source",
    async check(_pipeline, runs) {
      const [a, b] = [requestsByEvent((await runs.once()).applied), requestsByEvent((await runs.elsewhere()).applied)];
      for (const key of new Set([...a.keys(), ...b.keys()])) {
        const [event, operation] = key.split("\u0000") as [string, string];
        const left = a.get(key) ?? [];
        const right = b.get(key) ?? [];
        if (isDeepStrictEqual(left, right)) continue;
        const first = (list: string[]) => (list[0] === undefined ? undefined : (JSON.parse(list[0]) as { body: unknown }).body);
        const fields = differingPaths(first(left), first(right));
        return (
          `event ${label(Number(event))} built different ${operation} requests when worked at once and long after it was accepted, with another random source` +
          ` (${fields.join(", ")} differ${fields.length === 1 ? "s" : ""}): ${left[0] ?? "no request"} then ${right[0] ?? "no request"}.` +
          " A replay would send a different request under the same idempotency key. $now() and $millis() read the time the event was accepted;" +
          " a mapping or condition that draws $random() (or reads the clock inside $eval) does this"
        );
      }
      return undefined;
    },
  },
  {
    name: "key-uniqueness",
    states: "different business events never share an idempotency key",
    notApplicable: (pipeline, identityFromKey) =>
      pipeline.idempotencyKey.length === 0
        ? "the route declares no idempotency key (each distinct payload is its own event)"
        : identityFromKey
          ? "the trigger's payload does not carry its entity's identity fields, so nothing tells business events apart but the key itself"
          : undefined,
    async check(pipeline, runs) {
      const run = await runs.once();
      const conflict = run.offers.find((o) => o.status === "conflict");
      if (conflict === undefined) return undefined;
      const key = keyOf(runs.events[conflict.event], pipeline.idempotencyKey);
      const first = run.offers.find((o) => o.status === "accepted" && keyOf(runs.events[o.event], pipeline.idempotencyKey) === key);
      const issue = run.issues.find((i) => CONFLICT.test(i.reason));
      const fields = pipeline.idempotencyKey.join(", ");
      const other = first === undefined ? "an earlier event" : `event ${label(first.event)}`;
      const differ = first === undefined ? [] : differingPaths(runs.events[first.event], runs.events[conflict.event]);
      return (
        `the key [${fields}] is not unique enough: ${other} and event ${label(conflict.event)} are different business events` +
        `${differ.length > 0 ? ` (they differ in ${differ.join(", ")})` : ""} that share the key value ${JSON.stringify(key)}; ` +
        `the runtime filed event ${label(conflict.event)} as a conflict${issue === undefined ? "" : ` in ${issue.queue}`} and did not deliver it`
      );
    },
  },
];
