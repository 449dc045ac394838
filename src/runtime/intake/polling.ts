/**
 * Polling sources, for systems without webhooks: every interval the event's `read` operation is
 * called with the durable cursor, the items are offered to the inbox, and only once they are
 * durable does the cursor move to the greatest value of the cursor field. A crash in between
 * re-reads the same page, and the inbox's idempotency makes that harmless.
 */
import type { TargetResponse } from "../delivery/transport.ts";
import type { Runtime } from "../engine.ts";
import type { CompiledSpecSet } from "../pipeline.ts";
import { PollFailedError } from "../errors.ts";
import type { Cancel } from "../host.ts";
import { valueAt } from "../incoming-event.ts";

/** What one poll did. */
export interface PollResult {
  items: number;
  accepted: number;
  cursor: string | undefined;
}

function itemsOf(body: unknown): unknown[] {
  if (Array.isArray(body)) return body;
  if (body !== null && typeof body === "object") {
    const list = Object.values(body).find(Array.isArray);
    if (list !== undefined) return list;
  }
  return [];
}

function greatest(values: readonly unknown[], current: string | undefined): string | undefined {
  let best = current;
  for (const value of values) {
    if (value === undefined || value === null) continue;
    const text = String(value);
    const numeric = typeof value === "number" && best !== undefined && /^-?[0-9.]+$/.test(best);
    if (best === undefined || (numeric ? Number(text) > Number(best) : text > best)) best = text;
  }
  return best;
}

/** Polls system events. */
export interface Poller {
  pollOnce(system: string, event: string): Promise<PollResult>;
  /** Polls every polling event at its interval until stopped. */
  start(): void;
  stop(): void;
}

/** Creates the poller of a runtime's polling events. */
export function createPoller(compiled: CompiledSpecSet, runtime: Runtime): Poller {
  const timers: Cancel[] = [];
  const pollOnce = async (systemName: string, eventName: string): Promise<PollResult> => {
    const system = runtime.systems.get(systemName);
    const event = compiled.systems[systemName]?.events[eventName];
    const polling = event?.polling;
    const operation = polling === undefined ? undefined : system?.definition.operations[polling.operation];
    if (system === undefined || polling === undefined || operation === undefined) {
      throw new PollFailedError(`${systemName}.${eventName} is not a polling event with a read operation`);
    }
    const cursorName = `${systemName}.${eventName}`;
    const cursor = await runtime.store.cursor(cursorName);
    const url = new URL(system.baseUrl + operation.path);
    if (cursor !== undefined) url.searchParams.set(polling.cursorParam ?? polling.cursor, cursor);
    const response: TargetResponse = await runtime.transport({
      system: systemName,
      operation: operation.name,
      method: "GET",
      url: url.toString(),
      headers: await system.auth(),
      timeoutMs: operation.timeoutMs ?? system.definition.timeoutMs ?? 30_000,
    });
    if (response.status < 200 || response.status >= 300) throw new PollFailedError(`${systemName}.${operation.name} answered ${response.status}`);
    const items = itemsOf(response.body);
    const result = await runtime.offer({ system: systemName, event: eventName }, items);
    const next = greatest(items.map((item) => valueAt(item, polling.cursor)), cursor);
    if (next !== undefined && next !== cursor) await runtime.store.setCursor(cursorName, next);
    return { items: items.length, accepted: result.outcomes.filter((o) => o.status === "accepted").length, cursor: next };
  };
  return {
    pollOnce,
    start() {
      for (const [systemName, system] of Object.entries(compiled.systems)) {
        for (const [eventName, event] of Object.entries(system.events)) {
          if (event.delivery !== "polling" || event.polling === undefined) continue;
          // A failed poll is logged and tried again at the next interval: the cursor has not moved.
          const tick = () =>
            pollOnce(systemName, eventName).catch((error: unknown) =>
              runtime.logger.error(`polling ${systemName}.${eventName} failed: ${error instanceof Error ? error.message : String(error)}`, {
                event: "poll.failed",
                system: systemName,
                source: eventName,
              }),
            );
          timers.push(runtime.timers.every(event.polling.intervalMs, tick));
        }
      }
    },
    stop() {
      for (const cancel of timers.splice(0)) cancel();
    },
  };
}
