/**
 * `spec run` as an operator runs it: JSON logs on stderr, a Prometheus endpoint on a port of its
 * own behind a token, and spans exported over OTLP/HTTP to a collector, all checked through real
 * servers (the ERP, the collector) and a real `spec run` process.
 */
import { mkdtempSync } from "node:fs";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import parsePrometheusTextFormat from "parse-prometheus-text-format";
import { describe, expect, it } from "vitest";
import { runCli } from "../../src/testing/spec-fixtures.ts";
import { writeFixture } from "./fixture.ts";
import { signedHeaders, startWorker } from "./workers.ts";

const TRACE = "0af7651916cd43dd8448eb211c80319c";

/** A real HTTP server answering with `answer` and keeping each request's headers and body. */
async function serve(answer: (n: number) => { status: number; headers?: Record<string, string>; body: unknown }) {
  const seen: { headers: IncomingHttpHeaders; body: string }[] = [];
  const server: Server = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk: Buffer) => {
      body += chunk.toString();
    });
    request.on("end", () => {
      seen.push({ headers: request.headers, body });
      const a = answer(seen.length);
      response.writeHead(a.status, { "content-type": "application/json", ...a.headers }).end(JSON.stringify(a.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

async function until(what: string, holds: () => boolean, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!holds()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("spec run, observed", () => {
  it("logs JSON, serves metrics on its own port behind a token and exports spans over OTLP", async () => {
    // The ERP asks for a pause once (429, Retry-After 1 s), then takes the project.
    const erp = await serve((n) => (n === 1 ? { status: 429, headers: { "retry-after": "1" }, body: { error: "slow down" } } : { status: 201, body: { id: "E-1" } }));
    const collector = await serve(() => ({ status: 200, body: {} }));
    const dir = mkdtempSync(join(tmpdir(), "syncspec-run-observed-"));
    const root = writeFixture({ "syncspec.run.yaml": `store: "sqlite:${join(dir, "store.db")}"\n` });
    const worker = await startWorker(root, ["--metrics", "0", "--log-level", "info", "--otlp", `${collector.url}/v1/traces`], {
      ERP_BASE_URL: erp.url,
      SYNCSPEC_METRICS_TOKEN: "metrics-token-1",
    });
    try {
      const body = JSON.stringify({ projectId: "p1", name: "Project p1" });
      const posted = await fetch(`${worker.url}/webhooks/psa/projects`, { method: "POST", body, headers: { ...signedHeaders(body), traceparent: `00-${TRACE}-b7ad6b7169203331-01` } });
      expect(posted.status).toBe(202);
      await until("the ERP's second request", () => erp.seen.length === 2);
      expect(erp.seen.map((r) => String(r.headers.traceparent).split("-")[1])).toEqual([TRACE, TRACE]);
      const metricsUrl = /metrics at (http:\/\/\S+)/.exec(worker.output())?.[1] as string;
      expect((await fetch(metricsUrl)).status).toBe(401);
      const scraped = await fetch(metricsUrl, { headers: { authorization: "Bearer metrics-token-1" } });
      const families = parsePrometheusTextFormat(await scraped.text());
      const attempts = families.find((f) => f.name === "syncspec_delivery_attempts_total")?.metrics ?? [];
      expect(attempts.map((m) => [m.labels?.["outcome"], m.value]).sort()).toEqual([
        ["delivered", "1"],
        ["retry", "1"],
      ]);
      const offered = families.find((f) => f.name === "syncspec_events_offered_total")?.metrics ?? [];
      expect(offered.map((m) => [m.labels?.["route"], m.labels?.["outcome"], m.value])).toEqual([["project-activation", "accepted", "1"]]);
    } finally {
      worker.child.kill("SIGTERM");
      expect(await worker.exited).toBe(0);
      await erp.close();
    }
    // The log: one JSON object per line on stderr, the start, the retry with its reason and delay, the stop.
    const logged = worker
      .output()
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const events = logged.map((e) => e["event"]);
    expect(events).toEqual(expect.arrayContaining(["run.start", "run.listening", "delivery.retry", "run.stopping", "run.stop"]));
    expect(logged.find((e) => e["event"] === "delivery.retry")).toMatchObject({ level: "warn", reason: expect.stringMatching(/^erp answered 429/), delayMs: expect.any(Number) });
    expect(worker.output()).not.toContain("metrics-token-1");
    // The spans reached the collector (flushed as the process stopped), in the sender's trace.
    await until("the exported spans", () => collector.seen.length > 0);
    await collector.close();
    const spans = collector.seen.flatMap((r) => {
      const doc = JSON.parse(r.body) as { resourceSpans: { scopeSpans: { spans: { name: string; traceId: string }[] }[] }[] };
      return doc.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans));
    });
    expect(spans.filter((s) => s.name === "syncspec.deliver erp.createProject").map((s) => s.traceId)).toEqual([TRACE, TRACE]);
    expect(spans.some((s) => s.name === "syncspec.intake" && s.traceId === TRACE)).toBe(true);
  }, 120_000);
});

describe("spec run's observability options", () => {
  it.each([
    [["--log-level", "loud"], "--log-level must be one of debug, info, warn, error, got 'loud'"],
    [["--metrics", "nine"], "--metrics must be a port number, got 'nine'"],
    [["--otlp", "ftp://collector"], "--otlp must be an http(s) URL, got 'ftp://collector'"],
  ])("refuses %j with a usage error naming the option", async (args, message) => {
    const result = await runCli(["run", "--compile", ...args], writeFixture());
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
  });

  it("stops with a clear error when the metrics port is taken", async () => {
    const taken = await serve(() => ({ status: 200, body: {} }));
    const port = new URL(taken.url).port;
    const dir = mkdtempSync(join(tmpdir(), "syncspec-run-metrics-"));
    try {
      const result = await runCli(["run", "--compile", "--port", "0", "--metrics", port, "--store", `sqlite:${join(dir, "s.db")}`], writeFixture());
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`spec run: the metrics endpoint cannot listen on 127.0.0.1:${port}: the port is in use`);
    } finally {
      await taken.close();
    }
  });
});
