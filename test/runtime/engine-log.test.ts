/**
 * What the runtime logs when a loop's call to the store fails: one structured error entry, through
 * the logger the leases use, with every credential the runtime knows scrubbed from it.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { createRuntime } from "../../src/runtime/engine.ts";
import type { LogFields, Logger } from "../../src/runtime/logger.ts";
import { createRedactor } from "../../src/runtime/redact.ts";
import { createSqliteStore } from "../../src/runtime/store/sqlite.ts";
import type { Store } from "../../src/runtime/store/store.ts";
import { fixtureDefinitions } from "./harness.ts";

const SECRET = "s3cret-token-0042";

/** A store whose leases of events fail, naming a credential (as a driver's error may quote a statement). */
async function failingStore(): Promise<Store> {
  const store = await createSqliteStore({ path: ":memory:" });
  return { ...store, claimEvents: () => Promise.reject(new Error(`the lease failed near '${SECRET}'`)) };
}

/** Runs the loops until `seen` holds, then stops them. */
async function runUntil(runtime: ReturnType<typeof createRuntime>, seen: () => boolean): Promise<void> {
  runtime.start();
  const deadline = Date.now() + 5000;
  while (!seen() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
  await runtime.stop();
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("a runtime whose loop's store call fails", () => {
  it("logs it as an error entry on the logger it was given, with the credential scrubbed", async () => {
    const entries: { level: string; message: string; fields: LogFields }[] = [];
    const logger: Logger = {
      info: (message, fields = {}) => entries.push({ level: "info", message, fields }),
      warn: (message, fields = {}) => entries.push({ level: "warn", message, fields }),
      error: (message, fields = {}) => entries.push({ level: "error", message, fields }),
    };
    const runtime = createRuntime({ compiled: fixtureDefinitions(), store: await failingStore(), env: {}, worker: "w1", idleMs: 5, logger, redactor: createRedactor([SECRET]) });
    await runUntil(runtime, () => entries.some((e) => e.level === "error"));
    const failed = entries.find((e) => e.level === "error");
    expect(failed?.message).toContain("the lease failed near '[redacted]'");
    expect(failed?.fields).toMatchObject({ event: "runtime.failed", worker: "w1" });
    expect(JSON.stringify(entries)).not.toContain(SECRET);
  });

  it("writes it by default as a JSON line on standard error, with the credential scrubbed", async () => {
    const written: string[] = [];
    vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    const runtime = createRuntime({ compiled: fixtureDefinitions(), store: await failingStore(), env: {}, worker: "w2", idleMs: 5, redactor: createRedactor([SECRET]) });
    await runUntil(runtime, () => written.some((line) => line.includes('"level":"error"')));
    vi.restoreAllMocks();
    const lines = written.join("").split("\n").filter((line) => line !== "");
    for (const line of lines) expect(() => JSON.parse(line), line).not.toThrow();
    const failed = lines.map((line) => JSON.parse(line) as Record<string, unknown>).find((entry) => entry["level"] === "error");
    expect(failed).toMatchObject({ level: "error", event: "runtime.failed", worker: "w2", msg: expect.stringContaining("[redacted]") });
    expect(written.join("")).not.toContain(SECRET);
  });
});
