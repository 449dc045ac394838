/**
 * OpenTelemetry spans through @opentelemetry/api only: the host chooses and registers the SDK.
 * Without one, the API's no-op tracer makes these calls free.
 */
import { type Span, SpanStatusCode, trace } from "@opentelemetry/api";

const tracer = () => trace.getTracer("syncspec-ops");

/** Runs `work` inside a span named `name` with `attributes`; records an error and rethrows it. */
export async function withSpan<T>(name: string, attributes: Record<string, string | number | boolean>, work: (span: Span) => Promise<T>): Promise<T> {
  return tracer().startActiveSpan(name, { attributes }, async (span) => {
    try {
      const result = await work(span);
      span.setStatus({ code: SpanStatusCode.OK });
      return result;
    } catch (error) {
      span.recordException(error as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
      throw error;
    } finally {
      span.end();
    }
  });
}
