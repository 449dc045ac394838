/** The runtime's logs: pino JSON lines at a level, credentials censored, and a sink that never holds the runtime up. */
import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createRuntime } from "../../src/runtime/engine.ts";
import { createLogSink, type LogDestination } from "../../src/runtime/log/log-sink.ts";
import { pinoLogger } from "../../src/runtime/log/pino-logger.ts";
import { createRedactor } from "../../src/runtime/redact.ts";
import { createSqliteStore } from "../../src/runtime/store/sqlite.ts";
import { createFakeTarget, fakeTransport } from "../../src/testing/fake-target.ts";
import { fixtureDefinitions, project } from "./harness.ts";

/** A destination that pushes back while `full`, and drains when told. */
function stubbornDestination() {
  const written: string[] = [];
  const state = { full: false };
  let onDrain: (() => void) | undefined;
  const destination: LogDestination = {
    write(text) {
      written.push(text);
      return !state.full;
    },
    once(_event, listener) {
      onDrain = listener;
    },
  };
  return { destination, written, state, drain: () => onDrain?.() };
}

describe("the log sink", () => {
  it("buffers while the destination pushes back, drops past its bound and says how many when it drains", () => {
    const stub = stubbornDestination();
    const sink = createLogSink(stub.destination, 30);
    stub.state.full = true;
    for (let i = 0; i < 10; i++) sink.write(`line ${i}\n`);
    // The first line was taken (and pushed back), four fit the 30-byte buffer, five were dropped.
    expect(stub.written).toEqual(["line 0\n"]);
    expect([sink.buffered, sink.dropped]).toEqual([4, 5]);
    stub.state.full = false;
    stub.drain();
    const [note, ...rest] = stub.written.slice(1);
    expect(JSON.parse(note as string)).toMatchObject({ level: "warn", event: "log.dropped", dropped: 5 });
    expect(rest).toEqual(["line 1\n", "line 2\n", "line 3\n", "line 4\n"]);
    sink.write("line 10\n");
    expect(stub.written.at(-1)).toBe("line 10\n");
    expect(sink.buffered).toBe(0);
  });
});

describe("the pino logger", () => {
  const capture = () => {
    const lines: string[] = [];
    return { lines, sink: createLogSink({ write: (text) => lines.push(text) > 0, once: () => undefined }) };
  };

  it("writes JSON lines at or above its level, with credential headers and known secrets censored", () => {
    const { lines, sink } = capture();
    const redactor = createRedactor(["tok-123456"]);
    const log = pinoLogger({ sink, level: "info", base: { worker: "w9" }, redact: redactor.text });
    log.debug("not shown");
    log.info("called the ERP", { event: "call", headers: { authorization: "Bearer abc", "x-api-key": "k-1", accept: "json" } });
    log.warn("the answer quoted tok-123456", { event: "echo", password: "hunter2" });
    log.error("failed", { event: "boom", error: new Error("it broke") });
    const entries = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(entries.map((e) => [e["level"], e["msg"], e["worker"]])).toEqual([
      ["info", "called the ERP", "w9"],
      ["warn", "the answer quoted [redacted]", "w9"],
      ["error", "failed", "w9"],
    ]);
    expect(entries[0]?.["headers"]).toEqual({ authorization: "[redacted]", "x-api-key": "[redacted]", accept: "json" });
    expect(entries[1]?.["password"]).toBe("[redacted]");
    expect(entries[2]?.["error"]).toBe("it broke");
    expect(lines.join("")).not.toMatch(/abc|k-1|hunter2|tok-123456/);
  });

  it("prints entries for people on a terminal, and debug entries at the debug level", () => {
    const { lines, sink } = capture();
    const log = pinoLogger({ sink, level: "debug", pretty: { colour: false } });
    log.debug("looking", { event: "look" });
    log.warn("the circuit to erp opened", { event: "breaker.open", system: "erp" });
    expect(lines).toHaveLength(2);
    expect(() => JSON.parse(lines[1] as string)).toThrow();
    expect(lines[1]).toMatch(/WARN.*the circuit to erp opened/);
    expect(lines[1]).toMatch(/system: "erp"/);
  });
});

describe("a runtime whose log destination blocks", () => {
  it("keeps accepting, processing and delivering while nothing is written", async () => {
    // Each project's first request fails, so every delivery is retried and logged once.
    const failed = new Set<string>();
    const failFirst = ({ body }: { body: unknown }) => {
      const code = String((body as { code?: unknown }).code);
      if (failed.has(code)) return undefined;
      failed.add(code);
      return { status: 503 };
    };
    // A stream that never finishes a write: everything after its first chunk waits forever.
    const blocked = new Writable({ highWaterMark: 16, write: () => undefined });
    const sink = createLogSink(blocked, 1024);
    const logger = pinoLogger({ sink });
    const erp = createFakeTarget({ name: "erp", auth: { header: "authorization", value: "Bearer erp-token" }, fault: failFirst });
    const store = await createSqliteStore({ path: ":memory:" });
    const runtime = createRuntime({ compiled: fixtureDefinitions(), store, transport: fakeTransport([erp]), env: {}, logger, random: () => 0, sleep: async () => undefined, idleMs: 5 });
    try {
      runtime.start();
      const payloads = Array.from({ length: 40 }, (_, i) => project(`p${i}`));
      await runtime.offer({ system: "psa", event: "projectActivated" }, payloads);
      const deadline = Date.now() + 15_000;
      while ((await store.counts()).deliveries["delivered"] !== 40 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      expect((await store.counts()).deliveries).toEqual({ delivered: 40 });
      // Every delivery's first attempt failed and was logged; most lines could not be written.
      expect(sink.dropped + sink.buffered).toBeGreaterThan(0);
    } finally {
      await runtime.stop();
      await store.close();
    }
  });
});
