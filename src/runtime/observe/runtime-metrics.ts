/**
 * The runtime's Prometheus metrics, counted as things happen (prom-client counters and
 * histograms) on a registry the host supplies: what intake accepted, what each delivery attempt
 * came to and how long it took, and, read when Prometheus scrapes, the work waiting in memory,
 * each system's breaker and this worker's leases.
 */
import { Counter, Gauge, Histogram, type Registry } from "prom-client";
import type { LeaseCounts } from "../lease-keeper.ts";

/** What the scrape-time gauges read from the running runtime. */
export interface RuntimeGaugeSources {
  /** Leased work waiting in memory for a loop, by queue (`events`, `deliveries`). */
  queues(): Readonly<Record<string, number>>;
  /** Each system's breaker as it stands now. */
  breakers(): readonly { system: string; state: "closed" | "open" | "half-open" }[];
  leases(): LeaseCounts;
}

/** The counters and histograms the runtime's observer updates. */
export interface RuntimeMetrics {
  /** One payload offered to a route: `accepted`, `duplicate`, `conflict` or `refused`. */
  offered(route: string, outcome: string): void;
  /** One delivery attempt and its outcome (`delivered`, `retry`, `waited`, `dead`, `exception`). */
  attempted(labels: { route: string; system: string; operation: string; outcome: string }, seconds: number | undefined): void;
  /** One event's processing settled: `routed`, `waiting`, `exception`, `skipped`, `release`. */
  processed(route: string, outcome: string): void;
  /** One instant of a scheduled route offered: `accepted`, `duplicate` (another worker offered it) or `failed`. */
  scheduled(route: string, outcome: string): void;
}

const BREAKER_VALUE = { closed: 0, "half-open": 1, open: 2 } as const;

/** Delivery latency buckets, in seconds: from a fast local call to a timed-out one. */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/** Registers the runtime's metrics on `registry`; names start with `prefix` (default `syncspec_`). */
export function createRuntimeMetrics(registry: Registry, sources: RuntimeGaugeSources, prefix = "syncspec_"): RuntimeMetrics {
  const registers = [registry];
  const events = new Counter({ name: `${prefix}events_offered_total`, help: "Payloads offered to a route, by what intake did with them.", labelNames: ["route", "outcome"], registers });
  const processed = new Counter({ name: `${prefix}events_processed_total`, help: "Events whose pipeline ran, by how they settled.", labelNames: ["route", "outcome"], registers });
  const deliveries = new Counter({
    name: `${prefix}delivery_attempts_total`,
    help: "Delivery attempts by target and outcome (retry: failed and tried again later; waited: given back for a quota, slot or open breaker, not counted).",
    labelNames: ["route", "system", "operation", "outcome"],
    registers,
  });
  const latency = new Histogram({
    name: `${prefix}delivery_duration_seconds`,
    help: "Time from sending a delivery to its answer, by target and outcome.",
    labelNames: ["system", "operation", "outcome"],
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const scheduled = new Counter({ name: `${prefix}scheduled_runs_total`, help: "Instants of scheduled routes offered to the inbox, by outcome.", labelNames: ["route", "outcome"], registers });
  registerStateGauges(registry, sources, prefix);
  return {
    offered: (route, outcome) => events.inc({ route, outcome }),
    scheduled: (route, outcome) => scheduled.inc({ route, outcome }),
    processed: (route, outcome) => processed.inc({ route, outcome }),
    attempted(labels, seconds) {
      deliveries.inc(labels);
      if (seconds !== undefined) latency.observe({ system: labels.system, operation: labels.operation, outcome: labels.outcome }, seconds);
    },
  };
}

/** Gauges and counters read from the runtime when Prometheus scrapes. */
function registerStateGauges(registry: Registry, sources: RuntimeGaugeSources, prefix: string): void {
  const registers = [registry];
  new Gauge({
    name: `${prefix}queue_depth`,
    help: "Leased work waiting in this worker's memory for its loop, by queue.",
    labelNames: ["queue"],
    registers,
    collect() {
      for (const [queue, depth] of Object.entries(sources.queues())) this.set({ queue }, depth);
    },
  });
  new Gauge({
    name: `${prefix}breaker_state`,
    help: "Each system's circuit breaker: 0 closed, 1 half-open, 2 open.",
    labelNames: ["system"],
    registers,
    collect() {
      for (const b of sources.breakers()) this.set({ system: b.system }, BREAKER_VALUE[b.state]);
    },
  });
  const leaseCounter = (name: keyof LeaseCounts, help: string) =>
    new Counter({
      name: `${prefix}leases_${name === "takenOver" ? "taken_over" : name}_total`,
      help,
      registers,
      collect() {
        this.reset();
        this.inc(sources.leases()[name]);
      },
    });
  leaseCounter("renewed", "Leases of work in memory extended past their length.");
  leaseCounter("lost", "Leases that ran out before a renewal reached the store: the work may be done twice.");
  leaseCounter("takenOver", "Deliveries taken over from a worker whose lease ran out.");
  leaseCounter("refused", "Settlements the store refused because another worker had leased the work since.");
}
