import { trace } from "@opentelemetry/api";
import { describe, expect, it } from "vitest";
import { incomingTraceContext } from "../../src/runtime/observe/trace-context.ts";

const ids = (traceparent: string | undefined) => {
  const span = trace.getSpanContext(incomingTraceContext(traceparent));
  return span === undefined ? undefined : { traceId: span.traceId, spanId: span.spanId, flags: span.traceFlags, remote: span.isRemote };
};

describe("an incoming traceparent", () => {
  it("continues a valid one, keeping its ids and flags", () => {
    expect(ids("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")).toEqual({ traceId: "4bf92f3577b34da6a3ce929d0e0e4736", spanId: "00f067aa0ba902b7", flags: 1, remote: true });
    expect(ids("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00")?.flags).toBe(0);
  });

  it("accepts fields after a later version's four, as the specification asks", () => {
    expect(ids("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra")?.traceId).toBe("4bf92f3577b34da6a3ce929d0e0e4736");
  });

  it.each([
    ["missing", undefined],
    ["version ff", "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"],
    ["version 00 with a fifth field", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra"],
    ["an all-zero trace id", "00-00000000000000000000000000000000-00f067aa0ba902b7-01"],
    ["an all-zero span id", "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01"],
    ["upper-case hex", "00-4BF92F3577B34DA6A3CE929D0E0E4736-00F067AA0BA902B7-01"],
    ["a short trace id", "00-4bf92f3577b34da6a3ce929d0e0e47-00f067aa0ba902b7-01"],
    ["garbage", "not a traceparent"],
  ])("starts a new trace for %s", (_what, traceparent) => {
    expect(ids(traceparent)).toBeUndefined();
  });
});
