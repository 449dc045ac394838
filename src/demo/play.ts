/**
 * `playMonth`: the demo's main job. It starts the simulators, hosts the compiled spec set in the
 * runtime on a SQLite store, sends the month's PSA webhooks to the runtime's intake, polls the
 * ERP's contacts (a client put on credit hold before the billing term closes and released after),
 * closes the billing term (invoices), collects payments, applies the changes people made by hand, and
 * reconciles, filing each gap in the store's exception queues. Each phase waits until the runtime
 * has settled everything it accepted.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { valueResolver } from "../runtime/delivery/auth.ts";
import { createRuntime, type Runtime } from "../runtime/engine.ts";
import type { Logger } from "../runtime/logger.ts";
import { type IntakeServer, startIntakeServer } from "../runtime/intake/http-server.ts";
import { createWebhookHandler } from "../runtime/intake/webhook.ts";
import type { CompiledSpecSet } from "../runtime/pipeline.ts";
import { createSqliteStore } from "../runtime/store/sqlite.ts";
import type { Store } from "../runtime/store/store.ts";
import type { Reconciler } from "../ops/reconcile/reconciler.ts";
import { withSpan } from "../ops/tracing.ts";
import type { ReconciliationDefinition } from "../ops/reconcile/engine.ts";
import type { Month } from "./month/types.ts";
import { creditHoldOf, pollOnce } from "./credit-hold.ts";
import { createRandom } from "./random.ts";
import { demoReconciler } from "./reconcile.ts";
import { loadReferenceData } from "./reference-data.ts";
import { DEMO_SCALE, scaleSpecSet, type TimeScale } from "./scale.ts";
import { demoFaults, type FaultSettings, NO_FAULTS } from "./simulators/faults.ts";
import { type SimulatorSet, startSimulators } from "./simulators/start.ts";
import { type OutgoingWebhook, type SendResult, sendWebhooks } from "./webhooks.ts";

/** The phases of a month, in order. */
export type Phase = "start" | "projects" | "time-and-expenses" | "term-close" | "payments" | "manual-changes" | "reconcile" | "done";

/** Progress of a run, for the progress bar. */
export interface Progress {
  phase: Phase;
  done: number;
  total: number;
}

/** Options of `playMonth`. */
export interface PlayOptions {
  month: Month;
  compiled: CompiledSpecSet;
  reconciliations: readonly ReconciliationDefinition[];
  /** Misbehaving simulators (default) or well-behaved ones. */
  faults?: boolean;
  /** How long the ERP's outage lasts, in ms (default 1500). */
  outageMs?: number;
  scale?: TimeScale;
  /** The SQLite file; a temporary one when absent (removed by `close`). */
  databasePath?: string;
  onProgress?(progress: Progress): void;
  /** Longest wait for the runtime to settle one phase, in ms (default 30 minutes: a month is never cut short). */
  settleTimeoutMs?: number;
  /** Where the runtime logs its retries, breakers, dead letters and exceptions (default: JSON lines on stderr). */
  logger?: Logger;
}

/** A played month: everything the summary, the dashboard and the checks read. */
export interface MonthRun {
  month: Month;
  compiled: CompiledSpecSet;
  store: Store;
  runtime: Runtime;
  intake: IntakeServer;
  simulators: SimulatorSet;
  reconciler: Reconciler;
  sent: SendResult;
  /** What polling the systems' polling events read, and the events it accepted. */
  polled: { items: number; accepted: number };
  startedAt: number;
  playedMs: number;
  /** Whether every phase settled before its timeout. */
  settled: boolean;
  databasePath: string;
  close(): Promise<void>;
}

const OPEN_EVENT = ["pending", "processing", "waiting"];
const OPEN_DELIVERY = ["pending", "processing"];

/** Waits until no event or delivery is still being worked; false on timeout. */
export async function settle(store: Store, timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  let quietRounds = 0;
  while (Date.now() < until) {
    const counts = await store.counts();
    const open = OPEN_EVENT.reduce((n, s) => n + (counts.events[s] ?? 0), 0) + OPEN_DELIVERY.reduce((n, s) => n + (counts.deliveries[s] ?? 0), 0);
    quietRounds = open === 0 ? quietRounds + 1 : 0;
    // Two quiet looks in a row: a settlement may be emitting canonical events between them.
    if (quietRounds >= 2) return true;
    // Look often once it is quiet, rarely while it is busy: each look counts whole tables.
    await new Promise((resolve) => setTimeout(resolve, open === 0 ? 200 : 1000));
  }
  return false;
}

function add(total: SendResult, part: SendResult): SendResult {
  return {
    sent: total.sent + part.sent,
    accepted: total.accepted + part.accepted,
    duplicates: total.duplicates + part.duplicates,
    conflicts: total.conflicts + part.conflicts,
    refused: total.refused + part.refused,
    failed: [...total.failed, ...part.failed],
  };
}

/** Live reads fail whole when a page fails (the simulators misbehave); such a run is run again. */
async function runUntilComplete(reconciler: Reconciler, attempts = 10): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await reconciler.runAll();
      return;
    } catch (error) {
      if (attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
    }
  }
}

/** Plays a month through the runtime against the simulators. */
export async function playMonth(options: PlayOptions): Promise<MonthRun> {
  const { month } = options;
  const report = options.onProgress ?? (() => undefined);
  const scale = options.scale ?? DEMO_SCALE;
  const compiled = scaleSpecSet(options.compiled, scale);
  const settleTimeout = options.settleTimeoutMs ?? 1_800_000;
  const erp = Object.values(compiled.systems).find((s) => s.role === "erp")?.name ?? "erp";
  const faults: Record<string, FaultSettings> = {};
  for (const name of Object.keys(compiled.systems)) {
    faults[name] = options.faults === false ? NO_FAULTS : demoFaults(name === erp ? { afterMs: 3000, durationMs: options.outageMs ?? 1500 } : undefined);
  }
  report({ phase: "start", done: 0, total: 1 });
  const simulators = await startSimulators({ month, systems: compiled.systems, seed: month.seed, faults });
  const directory = options.databasePath === undefined ? mkdtempSync(join(tmpdir(), "syncspec-demo-")) : undefined;
  const databasePath = options.databasePath ?? join(directory as string, "demo.sqlite");
  const store = await createSqliteStore({ path: databasePath, durability: "normal" });
  const startedAt = Date.now();
  await loadReferenceData(store, compiled, month, startedAt);
  const random = createRandom(month.seed).fork("runtime");
  const runtime = createRuntime({
    compiled,
    store,
    env: simulators.env,
    secrets: (name) => simulators.secrets[name],
    random: () => random.next(),
    batchSize: 256,
    ...(options.logger === undefined ? {} : { logger: options.logger }),
  });
  const handler = createWebhookHandler({ compiled, runtime, resolve: runtime.redactor.resolver(valueResolver(simulators.env, (name) => simulators.secrets[name])), now: () => Date.now() });
  const intake = await startIntakeServer(handler, { port: 0 });
  runtime.start();
  let settled = true;
  // Each phase is one span (sent and settled), for a host that registers an OpenTelemetry SDK.
  const send = (hooks: OutgoingWebhook[], phase: Phase) =>
    withSpan(`demo ${phase}`, { "syncspec.demo.webhooks": hooks.length }, async () => {
      const result = await sendWebhooks(hooks, {
        intakeUrl: intake.url,
        systems: compiled.systems,
        secrets: simulators.secrets,
        env: simulators.env,
        concurrency: 24,
        onProgress: (done, total) => {
          if (done % 200 === 0 || done === total) report({ phase, done, total });
        },
      });
      settled = (await settle(store, settleTimeout)) && settled;
      return result;
    });
  const billing = Object.values(compiled.systems).find((s) => s.role === "billing")?.name ?? "billing";
  // The ERP's contacts, polled as spec run polls them: each client's state, its credit hold included.
  const polled = { items: 0, accepted: 0 };
  const poll = async (): Promise<void> => {
    const { items, accepted } = await pollOnce(compiled, runtime);
    polled.items += items;
    polled.accepted += accepted;
    settled = (await settle(store, settleTimeout)) && settled;
  };
  const hold = creditHoldOf(month);

  // Projects are activated in the first days, before any time is approved: settle them first.
  const hooks = (events: Month["events"]) => events.map((e) => ({ system: e.system, event: e.event, payload: e.payload }));
  await poll();
  let sent = await send(hooks(month.events.filter((e) => e.event === "projectActivated")), "projects");
  sent = add(sent, await send(hooks(month.events.filter((e) => e.event !== "projectActivated")), "time-and-expenses"));

  // Credit control holds a client before the term closes, so its invoices are held, and lifts the hold after.
  if (hold !== undefined && simulators.erp.setCreditHold(hold.clientId, true, hold.heldAt)) await poll();
  const termEnd = Math.floor(Date.parse(`${month.period}-31T18:00:00Z`) / 1000);
  const invoices = simulators.billing.closeTerm(termEnd);
  sent = add(sent, await send(invoices.map((i) => ({ system: billing, event: i.event, payload: i.payload })), "term-close"));
  if (hold !== undefined && simulators.erp.setCreditHold(hold.clientId, false, hold.releasedAt)) await poll();

  const termInvoice = (projectId: string) =>
    [...simulators.billing.invoices.values()].find((i) => i["subscription_id"] === projectId && i["recurring"] === true)?.["id"] as string | undefined;
  const payments: OutgoingWebhook[] = [];
  for (const payment of month.payments) {
    const invoiceId = termInvoice(payment.projectId);
    const event = invoiceId === undefined ? undefined : simulators.billing.pay(invoiceId, payment.share, termEnd + 86_400 * 10);
    if (event !== undefined) payments.push({ system: billing, event: event.event, payload: event.payload });
  }
  sent = add(sent, await send(payments, "payments"));

  report({ phase: "manual-changes", done: 0, total: month.manualChanges.length });
  for (const change of month.manualChanges) {
    if (change.kind === "erp-journal") simulators.erp.postByHand(change.projectId, change.cents, change.narration, `${month.period}-20`);
    const invoiceId = termInvoice(change.projectId);
    if (change.kind === "erp-receivable-adjustment" && invoiceId !== undefined) simulators.erp.adjustReceivable(invoiceId, change.cents);
    if (change.kind === "erp-payment" && invoiceId !== undefined) simulators.erp.payByHand(invoiceId, change.cents, `${month.period}-31`);
  }
  const playedMs = Date.now() - startedAt;

  report({ phase: "reconcile", done: 0, total: options.reconciliations.length });
  // Gaps go to the store's exception queues, beside the runtime's exceptions, for people to work.
  // A live run that meets a page the simulator fails is failed whole and run again.
  const reconciler = demoReconciler({ definitions: options.reconciliations, compiled, runtime, simulators, retryMs: 200 });
  await runUntilComplete(reconciler);
  report({ phase: "reconcile", done: options.reconciliations.length, total: options.reconciliations.length });
  report({ phase: "done", done: 1, total: 1 });

  return {
    month,
    compiled,
    store,
    runtime,
    intake,
    simulators,
    reconciler,
    sent,
    polled,
    startedAt,
    playedMs,
    settled,
    databasePath,
    async close() {
      await runtime.stop();
      await intake.close();
      await simulators.close();
      await store.close();
      if (directory !== undefined) rmSync(directory, { recursive: true, force: true });
    },
  };
}
