/**
 * OpenTelemetry spans of the runtime, through @opentelemetry/api only: the host registers an SDK
 * and its exporter (see README, "Traces"); without one every call here is the API's no-op.
 *
 * An event's trace id is kept with it in the store, so the spans of its processing and of each
 * delivery attempt, made later and maybe by another worker, join the trace the event came in
 * with (an incoming `traceparent`, or the trace of the intake span). Each delivery carries its
 * attempt's span as `traceparent` to the target.
 */
import { createHash, hash, randomBytes } from "node:crypto";
import { type Context, context, ProxyTracerProvider, ROOT_CONTEXT, type Span, SpanKind, SpanStatusCode, type Tracer, TraceFlags, trace } from "@opentelemetry/api";

/** W3C Trace Context's `traceparent`: version, trace id, parent span id, flags (and more fields after a later version). */
const TRACEPARENT = /^\s?([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?\s?$/;

/** The runtime's tracer, from the globally registered provider. */
export const runtimeTracer = (): Tracer => trace.getTracer("syncspec-runtime");

/** The provider the API falls back to while no SDK is registered: every span it makes is dropped. */
const NO_SDK = new ProxyTracerProvider().getDelegate();

/**
 * Whether spans may be recorded: false only while no SDK is registered (the API's own provider
 * still delegates to its no-op one), so the runtime makes no span, attributes or context it would
 * drop. Asked at each use: a host may register its SDK after the runtime started.
 */
export function tracing(): boolean {
  const provider = trace.getTracerProvider();
  return !(provider instanceof ProxyTracerProvider) || provider.getDelegate() !== NO_SDK;
}

/** Span attributes the runtime sets. */
export type SpanAttributes = Record<string, string | number | boolean>;

/**
 * The 32-hex trace id an event's stored trace id stands for: itself when it is one, a UUID
 * without its dashes (the runtime's default ids), else a digest of it.
 */
export function otelTraceId(stored: string): string {
  const plain = stored.toLowerCase().replaceAll("-", "");
  if (/^[0-9a-f]{32}$/.test(plain) && !/^0+$/.test(plain)) return plain;
  return createHash("sha256").update(stored).digest("hex").slice(0, 32);
}

/**
 * A context whose parent is the event's trace: later spans of the event (processing, deliveries)
 * join it. The parent span id is derived from the trace id, so every worker names the same one.
 */
export function eventTraceContext(stored: string): Context {
  const known = eventTrace(stored);
  known.context ??= trace.setSpanContext(ROOT_CONTEXT, { traceId: known.traceId, spanId: known.spanId, traceFlags: TraceFlags.SAMPLED, isRemote: true });
  return known.context;
}

/**
 * The `traceparent` a delivery of the event carries when no span is recorded: the event's trace,
 * under the parent span every worker derives for it (what a no-op span inside
 * `eventTraceContext` would have sent).
 */
export function eventTraceparent(stored: string): string {
  return eventTrace(stored).traceparent;
}

/** An event's trace as its later spans join it: the ids, the `traceparent`, and the context once a span asks for it. */
interface EventTrace {
  traceId: string;
  spanId: string;
  traceparent: string;
  context?: Context;
}

function eventTrace(stored: string): EventTrace {
  const known = eventContexts.get(stored);
  if (known !== undefined) return known;
  const traceId = otelTraceId(stored);
  const spanId = hash("sha256", `intake:${traceId}`, "hex").slice(0, 16);
  const made: EventTrace = { traceId, spanId, traceparent: `00-${traceId}-${spanId}-0${TraceFlags.SAMPLED}` };
  // An event and each of its deliveries ask for the same context: the digests are made once.
  if (eventContexts.size >= EVENT_CONTEXTS) eventContexts.clear();
  eventContexts.set(stored, made);
  return made;
}

/** The contexts of events seen lately, by stored trace id (at most `EVENT_CONTEXTS`, then started afresh). */
const eventContexts = new Map<string, EventTrace>();
const EVENT_CONTEXTS = 4_096;

/** The context an incoming `traceparent` header carries, or the root context without one. */
export function incomingTraceContext(traceparent: string | undefined): Context {
  const match = traceparent === undefined ? null : TRACEPARENT.exec(traceparent);
  if (match === null) return ROOT_CONTEXT;
  const [, version, traceId, spanId, flags, rest] = match as unknown as [string, string, string, string, string, string | undefined];
  // Version ff is invalid; version 00 has exactly four fields; all-zero ids name nothing.
  if (version === "ff" || (version === "00" && rest !== undefined) || /^0+$/.test(traceId) || /^0+$/.test(spanId)) return ROOT_CONTEXT;
  return trace.setSpanContext(ROOT_CONTEXT, { traceId, spanId, traceFlags: Number.parseInt(flags, 16), isRemote: true });
}

/**
 * The `traceparent` to send with a request made inside `span`: the span's own ids when an SDK
 * records it; else the event's trace id with a fresh span id, so the target still sees the trace.
 */
export function outgoingTraceparent(span: Span, stored: string): string {
  const ids = span.spanContext();
  if (trace.isSpanContextValid(ids)) return `00-${ids.traceId}-${ids.spanId}-0${ids.traceFlags & TraceFlags.SAMPLED}`;
  return `00-${otelTraceId(stored)}-${randomBytes(8).toString("hex")}-00`;
}

/** Starts a span under `parent`. */
export function startSpan(name: string, parent: Context, attributes: SpanAttributes, kind: SpanKind = SpanKind.INTERNAL): Span {
  return runtimeTracer().startSpan(name, { kind, attributes }, parent);
}

/** Ends a span, recording `error` on it when there is one. */
export function endSpan(span: Span, error?: unknown, message?: string): void {
  if (error !== undefined) {
    if (error instanceof Error) span.recordException(error);
    span.setStatus({ code: SpanStatusCode.ERROR, message: message ?? (error instanceof Error ? error.message : String(error)) });
  } else if (message !== undefined) {
    span.setStatus({ code: SpanStatusCode.ERROR, message });
  }
  span.end();
}

/** Runs `work` with `span` as the active span. */
export function withActiveSpan<T>(span: Span, work: () => T): T {
  return context.with(trace.setSpan(context.active(), span), work);
}

export { SpanKind };

/** The trace id of a span an SDK records, as a stored trace id; undefined for the no-op span. */
export function spanTraceId(span: Span): string | undefined {
  const ids = span.spanContext();
  return trace.isSpanContextValid(ids) ? ids.traceId : undefined;
}
