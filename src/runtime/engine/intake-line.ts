/**
 * Offers waiting for room among the handed-off events, in the order they came.
 *
 * When intake outpaces processing, events accepted with no room go to wait in the store, and
 * leasing them back costs the store a write each: an offer held back a little instead keeps every
 * event on the cheaper path, and tells a sender that can wait to slow down. Past the wait it is
 * accepted anyway: intake never refuses durable work, and a webhook is answered in bounded time.
 *
 * Only the first in line may take room, so a later, smaller offer does not overtake an earlier one
 * (event ids, and so the order of a key's events, follow the order of acceptance). The first is
 * woken when the events loop takes some, and the next when it leaves the line; all of them when
 * the loops stop.
 */
import type { Timers } from "../host.ts";
import type { ClaimedEvent } from "../store/store.ts";
import type { HandedLine, Room } from "./work-queue.ts";

/** The line of offers. */
export interface IntakeLine {
  /** Room to hand off `n` accepted events, once they fit (or none wait) or the wait is over. */
  room(n: number): Promise<Room>;
  /** The events loop took some: the first in line looks again. */
  freed(): void;
  /** The loops stopped: every offer goes on. */
  wakeAll(): void;
}

/** What the line needs. */
export interface IntakeLineOptions {
  events: HandedLine<ClaimedEvent>;
  capacity: number;
  /** How long an offer waits at most; 0 never waits. */
  waitMs: number;
  timers: Timers;
  /** Whether the loops run: only then does an offer wait for them. */
  running(): boolean;
}

interface Waiter {
  wake(): void;
}

const nothing = () => undefined;

/** Creates the line. */
export function createIntakeLine(options: IntakeLineOptions): IntakeLine {
  const { events, capacity, waitMs, timers } = options;
  const line: Waiter[] = [];
  const fits = (n: number) => {
    const used = events.used();
    return used === 0 || used + n <= capacity;
  };
  const freed = () => line[0]?.wake();

  async function room(n: number): Promise<Room> {
    if (!options.running() || waitMs === 0 || (line.length === 0 && fits(n))) return events.room(n);
    const me: Waiter = { wake: nothing };
    let over = false;
    const cancel = timers.after(waitMs, () => {
      over = true;
      me.wake();
    });
    line.push(me);
    try {
      while (options.running() && !over && !(line[0] === me && fits(n))) {
        await new Promise<void>((resolve) => {
          me.wake = () => {
            me.wake = nothing;
            resolve();
          };
        });
      }
    } finally {
      cancel();
      line.splice(line.indexOf(me), 1);
      // The next in line may take room now; the room this one takes is reserved before it looks.
      freed();
    }
    return events.room(n);
  }

  return {
    room,
    freed,
    wakeAll() {
      for (const waiter of [...line]) waiter.wake();
    },
  };
}
