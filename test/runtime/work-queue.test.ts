import { describe, expect, it } from "vitest";
import { createIntakeLine } from "../../src/runtime/engine/intake-line.ts";
import { createWorkQueue } from "../../src/runtime/engine/work-queue.ts";
import type { Timers } from "../../src/runtime/host.ts";
import { createLeaseKeeper } from "../../src/runtime/lease-keeper.ts";
import type { ClaimedEvent } from "../../src/runtime/store/store.ts";

/** Timers a test fires by hand. */
function manualTimers() {
  const armed = new Map<number, { ms: number; fn: () => void }>();
  let next = 0;
  const timers: Timers = {
    after(ms, fn) {
      const id = ++next;
      armed.set(id, { ms, fn });
      return () => armed.delete(id);
    },
    every: () => () => undefined,
  };
  return {
    timers,
    armed: () => [...armed.values()].map((t) => t.ms),
    fire(ms: number) {
      for (const [id, t] of [...armed]) {
        if (t.ms !== ms) continue;
        armed.delete(id);
        t.fn();
      }
    },
  };
}

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
const event = (id: number): ClaimedEvent => ({ id, route: "r", key: `k${id}`, payload: null, orderingKey: null, source: "s", traceId: "t", receivedAt: 0, attempt: 1, revision: 0, waitUntil: null });

function queue(countStarted: boolean, timers: Timers) {
  const keeper = createLeaseKeeper({ store: { renewLeases: async () => ({ events: [], deliveries: [] }) }, worker: "w", leaseMs: 1_000, now: () => 0, logger: quiet, timers });
  return createWorkQueue({ worker: "w", leaseMs: 1_000, capacity: 4, countStarted, targets: {}, keeper, now: () => 0 });
}

describe("the work queue that owns the handoff", () => {
  it("counts the work a sharing worker started against its room, and only then", () => {
    const { timers } = manualTimers();
    for (const [sharing, expected] of [
      [true, 1],
      [false, 3],
    ] as const) {
      const q = queue(sharing, timers);
      q.events.add(event(1), 1_000);
      q.events.begin(2);
      expect(q.events.free()).toBe(expected);
      const room = q.events.room(10);
      expect(room.handoff.limit).toBe(expected);
      expect(q.events.free()).toBe(0);
      room.done();
      q.events.done(2);
      expect(q.events.free()).toBe(3);
    }
  });

  it("hands nothing off once closed", () => {
    const q = queue(false, manualTimers().timers);
    q.close();
    expect(q.events.room(2).handoff.limit).toBe(0);
    q.open();
    expect(q.events.room(2).handoff.limit).toBe(2);
  });

  it("holds an offer on the injected timers until the wait ends, then lets it in with the room there is", async () => {
    const clock = manualTimers();
    const q = queue(false, clock.timers);
    for (let i = 1; i <= 4; i++) q.events.add(event(i), 1_000);
    const line = createIntakeLine({ events: q.events, capacity: 4, waitMs: 300, timers: clock.timers, running: () => true });
    let room: { handoff: { limit: number } } | undefined;
    const offered = line.room(2).then((r) => {
      room = r;
    });
    await Promise.resolve();
    expect(room).toBeUndefined();
    expect(clock.armed()).toContain(300);
    clock.fire(300);
    await offered;
    expect(room?.handoff.limit).toBe(0);
  });

  it("lets a held offer in as soon as the loop takes work, before its wait ends", async () => {
    const clock = manualTimers();
    const q = queue(false, clock.timers);
    for (let i = 1; i <= 4; i++) q.events.add(event(i), 1_000);
    const line = createIntakeLine({ events: q.events, capacity: 4, waitMs: 300, timers: clock.timers, running: () => true });
    const offered = line.room(2);
    await Promise.resolve();
    expect(q.events.take(4).map((e) => e.id)).toEqual([1, 2, 3, 4]);
    line.freed();
    expect((await offered).handoff.limit).toBe(2);
    // The wait's timer was cancelled: nothing is left armed for it.
    expect(clock.armed()).not.toContain(300);
  });
});
