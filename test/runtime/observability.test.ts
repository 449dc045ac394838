/**
 * What an operator sees of a running runtime, through real servers: a signed webhook with a
 * `traceparent` goes through the intake HTTP server, an ERP on a real HTTP server fails then
 * answers; the spans go to the OpenTelemetry SDK's in-memory exporter, the metrics are scraped
 * over HTTP and read by a Prometheus text parser, and the logs are parsed as JSON.
 */
import { createHmac } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { InMemorySpanExporter, type ReadableSpan } from "@opentelemetry/sdk-trace";
import parsePrometheusTextFormat, { type ParsedFamily } from "parse-prometheus-text-format";
import { Registry } from "prom-client";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startMetricsServer } from "../../src/runtime/observe/metrics-server.ts";
import { valueResolver } from "../../src/runtime/delivery/auth.ts";
import { createRuntime, type Runtime } from "../../src/runtime/engine.ts";
import { type IntakeServer, startIntakeServer } from "../../src/runtime/intake/http-server.ts";
import { createWebhookHandler } from "../../src/runtime/intake/webhook.ts";
import { createLogSink } from "../../src/runtime/log/log-sink.ts";
import { pinoLogger } from "../../src/runtime/log/pino-logger.ts";
import { type RegisteredTracing, registerTracing } from "../../src/runtime/observe/register-tracing.ts";
import { createSqliteStore } from "../../src/runtime/store/sqlite.ts";
import type { Store } from "../../src/runtime/store/store.ts";
import { fixtureDefinitions, project } from "./harness.ts";

const TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
const PARENT = "00f067aa0ba902b7";
const sign = (body: string) => createHmac("sha256", "psa-secret").update(body).digest("base64");

/** An ERP on a real HTTP server that answers each request with the next status of `script` (then 201). */
async function startErp(script: number[]): Promise<{ url: string; seen: IncomingHttpHeaders[]; server: Server }> {
  const seen: IncomingHttpHeaders[] = [];
  const server = createServer((request, response) => {
    request.resume();
    request.on("end", () => {
      seen.push(request.headers);
      const status = script.shift() ?? 201;
      response.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(status < 300 ? { id: `E-${seen.length}` } : { error: "try later" }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, server };
}

interface Running {
  runtime: Runtime;
  store: Store;
  intake: IntakeServer;
  erp: Awaited<ReturnType<typeof startErp>>;
  registry: Registry;
  lines: string[];
  close(): Promise<void>;
}

async function start(script: number[]): Promise<Running> {
  const erp = await startErp(script);
  const store = await createSqliteStore({ path: ":memory:" });
  const lines: string[] = [];
  const logger = pinoLogger({ sink: createLogSink({ write: (text) => lines.push(text) > 0, once: () => undefined }), base: { worker: "w1" } });
  const registry = new Registry();
  const compiled = fixtureDefinitions();
  const runtime = createRuntime({ compiled, store, env: { ERP_BASE_URL: erp.url }, worker: "w1", idleMs: 5, random: () => 0, logger, metrics: registry });
  const handler = createWebhookHandler({ compiled, runtime, resolve: valueResolver({}), now: Date.now });
  const intake = await startIntakeServer(handler, { port: 0 });
  runtime.start();
  return {
    runtime,
    store,
    intake,
    erp,
    registry,
    lines,
    async close() {
      await runtime.stop();
      await intake.close();
      await new Promise<void>((resolve) => erp.server.close(() => resolve()));
      await store.close();
    },
  };
}

async function until(what: string, holds: () => boolean | Promise<boolean>, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await holds())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const post = (r: Running, body: string, headers: Record<string, string> = {}) =>
  fetch(`${r.intake.url}/webhooks/psa/projects`, { method: "POST", body, headers: { "content-type": "application/json", "x-psa-signature": sign(body), ...headers } });

/** Scrapes a metrics endpoint over HTTP and parses the Prometheus text. */
async function scrape(url: string, token?: string): Promise<ParsedFamily[]> {
  const response = await fetch(url, token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } });
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
  return parsePrometheusTextFormat(await response.text());
}

const entries = (r: Running) => r.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
const sample = (families: ParsedFamily[], name: string, labels: Record<string, string>) =>
  families.find((f) => f.name === name)?.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));

describe("an operable runtime", () => {
  const exporter = new InMemorySpanExporter();
  let tracing: RegisteredTracing;
  let running: Running | undefined;
  beforeAll(async () => {
    tracing = await registerTracing({ exporters: [exporter], immediate: true });
  });
  afterAll(() => tracing.shutdown());
  afterEach(async () => {
    await running?.close();
    running = undefined;
    exporter.reset();
  });

  it("continues the sender's trace through intake, processing, each step and each delivery attempt, and sends it to the target", async () => {
    running = await start([503, 503]);
    const r = running;
    const response = await post(r, JSON.stringify(project("p1")), { traceparent: `00-${TRACE}-${PARENT}-01` });
    expect(response.status).toBe(202);
    await until("the ERP's third answer", () => r.erp.seen.length === 3);
    await until("the delivery span of the third attempt", () => exporter.getFinishedSpans().filter((s) => s.name.startsWith("syncspec.deliver")).length === 3);
    const spans = exporter.getFinishedSpans();
    const named = (prefix: string) => spans.filter((s) => s.name.startsWith(prefix));
    const [intake] = named("syncspec.intake");
    expect(intake?.spanContext().traceId).toBe(TRACE);
    expect(intake?.parentSpanContext?.spanId).toBe(PARENT);
    expect(intake?.attributes).toMatchObject({ "syncspec.source": "psa.projectActivated", "syncspec.events.accepted": 1 });
    const [process] = named("syncspec.process");
    expect(process?.spanContext().traceId).toBe(TRACE);
    expect(process?.attributes).toMatchObject({ "syncspec.route": "project-activation", "syncspec.event_key": "p1", "syncspec.outcome": "routed" });
    const steps = named("syncspec.step");
    expect(steps.map((s) => [s.attributes["syncspec.step_kind"], s.parentSpanContext?.spanId])).toEqual([["deliver", process?.spanContext().spanId]]);
    const deliveries = named("syncspec.deliver").sort((a, b) => Number(a.attributes["syncspec.attempt"]) - Number(b.attributes["syncspec.attempt"]));
    expect(deliveries.map((s) => [s.attributes["syncspec.target"], s.attributes["syncspec.attempt"], s.attributes["syncspec.outcome"], s.status.code])).toEqual([
      ["erp.createProject", 1, "retry", 2],
      ["erp.createProject", 2, "retry", 2],
      ["erp.createProject", 3, "delivered", 0],
    ]);
    expect(deliveries.every((s) => s.spanContext().traceId === TRACE && s.attributes["syncspec.route"] === "project-activation")).toBe(true);
    // Each request carried its own attempt's span as the W3C trace context.
    const sent = deliveries.map((s: ReadableSpan) => `00-${TRACE}-${s.spanContext().spanId}-01`);
    expect(r.erp.seen.map((h) => h.traceparent)).toEqual(sent);
  });

  it("counts events and deliveries by outcome, with latency, on a metrics endpoint of its own that a Prometheus parser reads", async () => {
    running = await start([]);
    const r = running;
    const body = JSON.stringify(project("p2"));
    expect((await post(r, body)).status).toBe(202);
    expect((await post(r, body)).status).toBe(202);
    await until("the delivery", async () => (await r.store.counts()).deliveries["delivered"] === 1);
    const server = await startMetricsServer({ registry: r.registry, port: 0, token: "scrape-token" });
    try {
      expect((await fetch(server.url)).status).toBe(401);
      expect((await fetch(server.url, { headers: { authorization: "Bearer wrong-token!" } })).status).toBe(401);
      const families = await scrape(server.url, "scrape-token");
      expect(sample(families, "syncspec_events_offered_total", { route: "project-activation", outcome: "accepted" })?.value).toBe("1");
      expect(sample(families, "syncspec_events_offered_total", { route: "project-activation", outcome: "duplicate" })?.value).toBe("1");
      const attempts = { route: "project-activation", system: "erp", operation: "createProject" };
      expect(sample(families, "syncspec_delivery_attempts_total", { ...attempts, outcome: "delivered" })?.value).toBe("1");
      // The parser folds a histogram's label sets into one series of buckets (and drops a labelled
      // one's sum and count); this scrape has one label set (erp, delivered).
      const latency = families.find((f) => f.name === "syncspec_delivery_duration_seconds");
      expect(latency?.type).toBe("HISTOGRAM");
      const buckets = latency?.metrics[0]?.buckets ?? {};
      expect(buckets["+Inf"]).toBe("1");
      expect(buckets["60"]).toBe("1");
      expect(Object.keys(buckets)).toHaveLength(14);
      expect(sample(families, "syncspec_breaker_state", { system: "erp" })?.value).toBe("0");
      expect(families.find((f) => f.name === "syncspec_queue_depth")?.metrics.map((m) => m.labels?.["queue"]).sort()).toEqual(["deliveries", "events"]);
      expect(families.find((f) => f.name === "syncspec_leases_lost_total")?.type).toBe("COUNTER");
    } finally {
      await server.close();
    }
  });

  it("logs a breaker opening once, however many attempts in flight saw it open", async () => {
    running = await start(Array.from({ length: 8 }, () => 503));
    const r = running;
    // Eight projects at once: their first attempts are in flight together when the fifth failure opens the breaker.
    const projects = Array.from({ length: 8 }, (_, i) => JSON.stringify(project(`c${i}`)));
    expect((await Promise.all(projects.map((body) => post(r, body)))).map((res) => res.status)).toEqual(Array(8).fill(202));
    await until("every project's delivery", async () => (await r.store.counts()).deliveries["delivered"] === 8);
    const logged = entries(r).filter((e) => String(e["event"]).startsWith("breaker."));
    expect(logged.filter((e) => e["event"] === "breaker.open")).toHaveLength(1);
    expect(logged.at(-1)).toMatchObject({ event: "breaker.close", system: "erp" });
  });

  it("logs each retry with its reason and delay, the dead letter, and the breaker opening, probing and closing, as JSON without credentials", async () => {
    // The fixture's breaker for the ERP opens after 5 failures and lets probes through after 1 s.
    running = await start([503, 503, 503, 503, 503]);
    const r = running;
    expect((await post(r, JSON.stringify(project("p3")))).status).toBe(202);
    await until("the dead letter", async () => (await r.store.counts()).deliveries["dead"] === 1);
    expect((await post(r, JSON.stringify(project("p4")))).status).toBe(202);
    await until("the second project's delivery", async () => (await r.store.counts()).deliveries["delivered"] === 1);
    const logged = entries(r);
    const retries = logged.filter((e) => e["event"] === "delivery.retry");
    expect(retries).toHaveLength(4);
    for (const retry of retries) {
      expect(retry).toMatchObject({ level: "warn", worker: "w1", route: "project-activation", target: "erp.createProject", delayMs: expect.any(Number) });
      expect(retry["reason"]).toMatch(/^erp answered 503/);
    }
    expect(logged.find((e) => e["event"] === "delivery.dead")).toMatchObject({ level: "error", queue: "projects-dlq", reason: expect.stringMatching(/failed 5 times/) });
    expect(logged.filter((e) => String(e["event"]).startsWith("breaker.")).map((e) => e["event"])).toEqual(["breaker.open", "breaker.probe", "breaker.close"]);
    expect(r.lines.join("")).not.toContain("erp-token");
    const server = await startMetricsServer({ registry: r.registry, port: 0 });
    try {
      const families = await scrape(server.url);
      const attempts = { route: "project-activation", system: "erp", operation: "createProject" };
      expect(sample(families, "syncspec_delivery_attempts_total", { ...attempts, outcome: "retry" })?.value).toBe("4");
      expect(sample(families, "syncspec_delivery_attempts_total", { ...attempts, outcome: "dead" })?.value).toBe("1");
      expect(Number(sample(families, "syncspec_delivery_attempts_total", { ...attempts, outcome: "waited" })?.value)).toBeGreaterThan(0);
      expect(sample(families, "syncspec_delivery_attempts_total", { ...attempts, outcome: "delivered" })?.value).toBe("1");
      expect(sample(families, "syncspec_events_processed_total", { route: "project-activation", outcome: "routed" })?.value).toBe("2");
    } finally {
      await server.close();
    }
  });
});
