import { describe, expect, it } from "vitest";
import { StoreUnavailableError } from "../../src/runtime/errors.ts";
import type { LogFields } from "../../src/runtime/logger.ts";
import { connectionKeeper, isConnectionError } from "../../src/runtime/store/postgres-connection.ts";

/** A keeper on a hand-moved clock whose sleeps move it; the log is kept. */
function keeper(policy: Parameters<typeof connectionKeeper>[0], random = () => 0.5) {
  let now = 1_000_000;
  const sleeps: number[] = [];
  const log: { level: string; msg: string; fields: LogFields }[] = [];
  const at = (level: string) => (msg: string, fields: LogFields = {}) => void log.push({ level, msg, fields });
  const k = connectionKeeper(policy, {
    log: { info: at("info"), warn: at("warn"), error: at("error") },
    now: () => now,
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
    },
    random,
  });
  return { k, sleeps, log };
}

const terminated = () => Object.assign(new Error("terminating connection due to administrator command"), { code: "57P01" });

describe("the PostgreSQL connection keeper", () => {
  it("tells connection failures from other errors", () => {
    expect(isConnectionError(terminated())).toBe(true);
    expect(isConnectionError(Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" }))).toBe(true);
    expect(isConnectionError(new Error("Connection terminated unexpectedly"))).toBe(true);
    expect(isConnectionError(Object.assign(new Error("the database system is starting up"), { code: "57P03" }))).toBe(true);
    expect(isConnectionError(Object.assign(new Error("duplicate key"), { code: "23505" }))).toBe(false);
    expect(isConnectionError(Object.assign(new Error("could not serialize access"), { code: "40001" }))).toBe(false);
    expect(isConnectionError(new TypeError("x is undefined"))).toBe(false);
  });

  it("runs a call again after connection failures, waiting twice as long each time up to the cap, and reports ready again once it answers", async () => {
    const { k, sleeps, log } = keeper({ initialDelayMs: 100, maxDelayMs: 400, giveUpAfterMs: 60_000 });
    let calls = 0;
    const value = await k.run("transaction", async () => {
      calls += 1;
      if (calls <= 4) throw terminated();
      return "done";
    });
    expect(value).toBe("done");
    // Jitter over the upper half of each ceiling (random 0.5: three quarters of it).
    expect(sleeps).toEqual([75, 150, 300, 300]);
    expect(k.health()).toEqual({ ready: true, connectionLosses: 0, retries: 4, reconnects: 1 });
    expect(log.map((e) => e.msg)).toEqual([
      "store not ready: connection failure",
      "store call retried after a connection failure",
      "store call retried after a connection failure",
      "store call retried after a connection failure",
      "store call retried after a connection failure",
      "store ready again: connection restored",
    ]);
    expect(log[1]?.fields).toMatchObject({ call: "transaction", attempt: 1, delayMs: 75 });
    expect(log[5]?.fields).toMatchObject({ downMs: 825, retries: 4, reconnects: 1 });
  });

  it("does not run again a call that failed for another reason", async () => {
    const { k, sleeps } = keeper({});
    await expect(k.run("transaction", async () => Promise.reject(new Error("duplicate key")))).rejects.toThrow("duplicate key");
    expect(sleeps).toEqual([]);
    expect(k.health()).toMatchObject({ ready: true, retries: 0 });
  });

  it("fails with StoreUnavailableError once the window has passed, and stays not ready with the reason", async () => {
    const { k, log } = keeper({ initialDelayMs: 100, maxDelayMs: 1000, giveUpAfterMs: 3000 });
    await expect(k.run("read", async () => Promise.reject(terminated()))).rejects.toThrow(StoreUnavailableError);
    expect(k.health()).toMatchObject({ ready: false, reason: "terminating connection due to administrator command", notReadySince: 1_000_000 });
    expect(log.at(-1)).toMatchObject({ level: "error", msg: "store call failed: the database stayed unreachable", fields: { call: "read", waitedMs: 3000 } });
  });

  it("counts a connection lost outside a call and reports not ready until a call answers", async () => {
    const { k } = keeper({});
    k.lost(terminated(), "idle connection");
    expect(k.health()).toMatchObject({ ready: false, connectionLosses: 1 });
    await k.run("read", async () => 1);
    expect(k.health()).toMatchObject({ ready: true, connectionLosses: 1, reconnects: 1 });
  });
});
