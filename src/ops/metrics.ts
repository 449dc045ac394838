/**
 * Prometheus metrics through prom-client, on a registry the host supplies (or a new one). Values are
 * read from the latest operational snapshot when Prometheus scrapes, so nothing is counted twice
 * and a restarted process reports what the store holds.
 */
import { Counter, Gauge, Registry } from "prom-client";
import type { WorkCounts } from "../runtime/engine.ts";
import type { StoreHealth } from "../runtime/store/store.ts";
import type { OpsSnapshot } from "./snapshot.ts";

/** The metrics and the registry they live on. */
export interface OpsMetrics {
  registry: Registry;
  /** The Prometheus text exposition of every metric on the registry. */
  render(): Promise<string>;
  contentType: string;
}

/** Registers the operational metrics; `snapshot` is called once per scrape. */
export function createOpsMetrics(options: { snapshot: () => Promise<OpsSnapshot>; registry?: Registry; prefix?: string }): OpsMetrics {
  const registry = options.registry ?? new Registry();
  const prefix = options.prefix ?? "syncspec_";
  let current: Promise<OpsSnapshot> | undefined;
  // One snapshot serves every gauge of one scrape.
  const latest = (): Promise<OpsSnapshot> => {
    current ??= options.snapshot().finally(() => {
      setTimeout(() => {
        current = undefined;
      }, 250).unref();
    });
    return current;
  };
  const gauge = (name: string, help: string, labelNames: string[], fill: (g: Gauge<string>, s: OpsSnapshot) => void): void => {
    new Gauge({
      name: `${prefix}${name}`,
      help,
      labelNames,
      registers: [registry],
      async collect() {
        this.reset();
        fill(this, await latest());
      },
    });
  };
  gauge("events", "Events in the store by status.", ["status"], (g, s) => {
    for (const [status, n] of Object.entries(s.counts.events)) g.set({ status }, n);
  });
  gauge("deliveries", "Deliveries in the outbox by status.", ["status"], (g, s) => {
    for (const [status, n] of Object.entries(s.counts.deliveries)) g.set({ status }, n);
  });
  gauge("route_backlog", "Events accepted by a route and not yet settled.", ["route"], (g, s) => {
    for (const r of s.routes) g.set({ route: r.route }, r.open);
  });
  gauge("route_lag_seconds", "Age of the oldest unsettled event of a route.", ["route"], (g, s) => {
    for (const r of s.routes) g.set({ route: r.route }, r.oldestOpenMs / 1000);
  });
  gauge("route_sla_breaches", "Events whose processing took longer than the route's SLA.", ["route"], (g, s) => {
    for (const r of s.routes) g.set({ route: r.route }, r.slaBreaches);
  });
  gauge("system_circuit_open", "1 when the system's circuit breaker is open, 0.5 half-open, 0 closed.", ["system"], (g, s) => {
    for (const x of s.systems) if (x.circuit !== "unknown") g.set({ system: x.system }, x.circuit === "open" ? 1 : x.circuit === "half-open" ? 0.5 : 0);
  });
  gauge("system_error_ratio", "Failed delivery attempts over all attempts.", ["system"], (g, s) => {
    for (const x of s.systems) g.set({ system: x.system }, x.errorRate);
  });
  gauge("system_rate_limit_headroom_ratio", "Share of the per-minute quota left in the last minute.", ["system"], (g, s) => {
    for (const x of s.systems) if (x.rateLimitHeadroom !== null) g.set({ system: x.system }, x.rateLimitHeadroom);
  });
  gauge("issues_open", "Open dead letters and exceptions by queue.", ["kind", "queue"], (g, s) => {
    for (const i of [...s.deadLetters, ...s.exceptions]) if (i.status === "open") g.inc({ kind: i.kind, queue: i.queue });
  });
  gauge("rejections_open", "Open declared rejections (reject steps) by queue and reason code.", ["queue", "reason"], (g, s) => {
    for (const i of s.exceptions) if (i.status === "open" && i.reasonCode !== null) g.inc({ queue: i.queue, reason: i.reasonCode });
  });
  gauge("exceptions_past_sla", "Open exceptions older than their queue's SLA.", [], (g, s) => g.set(s.business.exceptionsPastSla));
  gauge("measure_seconds", "A latency the project's routes declare as a business measure (`measures:`), by quantile.", ["route", "measure", "quantile"], (g, s) => {
    for (const m of s.business.measures) {
      if (m.kind !== "latency") continue;
      if (m.p50Ms !== null) g.set({ route: m.route, measure: m.name, quantile: "0.5" }, m.p50Ms / 1000);
      if (m.p90Ms !== null) g.set({ route: m.route, measure: m.name, quantile: "0.9" }, m.p90Ms / 1000);
    }
  });
  gauge("measure", "A count the project's routes declare as a business measure (`measures:`): events pending a delivery, or open exceptions.", ["route", "measure"], (g, s) => {
    for (const m of s.business.measures) if (m.kind !== "latency") g.set({ route: m.route, measure: m.name }, m.count);
  });
  gauge("reconciliation_gaps", "Gaps found by the latest run of each reconciliation.", ["reconciliation"], (g, s) => {
    for (const r of s.reconciliations) g.set({ reconciliation: r.reconciliation }, r.gaps.length);
  });
  return { registry, render: () => registry.metrics(), contentType: registry.contentType };
}

/**
 * Registers the store's connection health, read when Prometheus scrapes: whether it is ready, and
 * the connections lost, calls retried and reconnections since the process started.
 */
export function registerStoreHealthMetrics(registry: Registry, health: () => StoreHealth, prefix = "syncspec_"): void {
  new Gauge({
    name: `${prefix}store_ready`,
    help: "1 while the store answers, 0 while its connections fail.",
    registers: [registry],
    collect() {
      this.set(health().ready ? 1 : 0);
    },
  });
  const counter = scrapedCounter(registry, prefix, health);
  counter("store_connection_losses_total", "Store connections lost, idle or in use.", (h) => h.connectionLosses);
  counter("store_retries_total", "Store calls run again after a connection failure.", (h) => h.retries);
  counter("store_reconnects_total", "Times the store became ready again after its connections failed.", (h) => h.reconnects);
}

/**
 * A maker of counters whose value is a running total kept elsewhere (`source`), read afresh at
 * each scrape: the counter is set to `read(source())` rather than counting on its own.
 */
function scrapedCounter<S>(registry: Registry, prefix: string, source: () => S): (name: string, help: string, read: (value: S) => number) => Counter {
  return (name, help, read) =>
    new Counter({
      name: `${prefix}${name}`,
      help,
      registers: [registry],
      collect() {
        this.reset();
        this.inc(read(source()));
      },
    });
}

/**
 * Registers what this worker did since it started, read when Prometheus scrapes: the events it
 * accepted, kept for itself and left in the store for the other workers, and the events and
 * deliveries it settled (`runtime.work()`). Summed over workers, the settled counts show how the
 * work is shared (docs/scaling.md).
 */
export function registerWorkMetrics(registry: Registry, work: () => WorkCounts, prefix = "syncspec_"): void {
  const counter = scrapedCounter(registry, prefix, work);
  counter("worker_events_accepted_total", "Events this worker accepted into the store.", (w) => w.accepted);
  counter("worker_events_kept_total", "Accepted events the store handed to this worker as it accepted them.", (w) => w.kept);
  counter("worker_events_left_total", "Accepted events this worker left in the store for any worker to lease.", (w) => w.left);
  counter("worker_events_settled_total", "Events this worker settled, whichever worker accepted them.", (w) => w.eventsSettled);
  counter("worker_deliveries_settled_total", "Deliveries this worker settled.", (w) => w.deliveriesSettled);
  counter("worker_woken_total", "Times the store woke an idle loop of this worker with work another transaction made ready.", (w) => w.wokenUp);
}
