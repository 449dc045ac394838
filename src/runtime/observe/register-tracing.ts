/**
 * Registers an OpenTelemetry SDK for the runtime's spans: a tracer provider with the exporters
 * given (an OTLP/HTTP exporter to a collector, an in-memory one in tests), async-local context
 * and W3C `traceparent` propagation. `spec run --otlp <url>` calls it; a service that embeds the
 * runtime calls it once at start-up, or registers its own SDK instead (the runtime only uses
 * @opentelemetry/api, so any registered provider receives its spans).
 */
import { context, propagation, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { BatchSpanProcessor, SimpleSpanProcessor, type SpanExporter, TracerProvider } from "@opentelemetry/sdk-trace";

/** Options of `registerTracing`. */
export interface TracingOptions {
  /** Exporters the spans go to. */
  exporters?: readonly SpanExporter[];
  /** An OTLP/HTTP endpoint (for example `http://collector:4318/v1/traces`): spans are batched to it. */
  otlpUrl?: string;
  /** Export each span as it ends rather than in batches (tests, short-lived commands). */
  immediate?: boolean;
}

/** The registered tracing: flush and stop it before the process exits. */
export interface RegisteredTracing {
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

/** Registers the SDK globally; returns how to flush and shut it down. */
export async function registerTracing(options: TracingOptions): Promise<RegisteredTracing> {
  const exporters: SpanExporter[] = [...(options.exporters ?? [])];
  if (options.otlpUrl !== undefined) {
    // Loaded only when asked for: a service that exports elsewhere never loads it.
    const { OTLPTraceExporter } = await import("@opentelemetry/exporter-trace-otlp-http");
    exporters.push(new OTLPTraceExporter({ url: options.otlpUrl }));
  }
  const spanProcessors = exporters.map((exporter) => (options.immediate === true ? new SimpleSpanProcessor({ exporter }) : new BatchSpanProcessor({ exporter })));
  const provider = new TracerProvider({ spanProcessors });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
  return {
    flush: () => provider.forceFlush(),
    async shutdown() {
      await provider.shutdown();
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
}
