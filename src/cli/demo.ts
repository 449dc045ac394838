/**
 * `spec demo [--seed n] [--json]`: a consulting firm's month played through the runtime against
 * simulated PSA, ERP and billing systems, reconciled and summarised. Without `--json` the dashboard
 * stays up until Ctrl-C; with it, the last line printed is the summary as one JSON object.
 */
import { createWriteStream, mkdtempSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadProgram } from "../compiler/program.ts";
import { startDashboard } from "../dashboard/server.ts";
import { generateMonth } from "../demo/month/generate.ts";
import { type Phase, playMonth, type Progress } from "../demo/play.ts";
import { type DemoSummary, summarise } from "../demo/summary.ts";
import { loadExpressionCompiler } from "../runtime/expression.ts";
import { createLogSink } from "../runtime/log/log-sink.ts";
import { pinoLogger, type PinoRuntimeLogger } from "../runtime/log/pino-logger.ts";
import { type Command, expectFormat, parseCommandArgs } from "./command.ts";
import { announceDashboard, dashboardLog } from "./dashboard-access.ts";
import { type CliIo, EXIT, UsageError } from "./io.ts";
import { generatedOrInMemory, stalenessLines } from "./load-compiled.ts";
import { printDiagnostics } from "./print-diagnostics.ts";

const LABELS: Record<Phase, string> = {
  start: "starting the simulators",
  projects: "activating projects",
  "time-and-expenses": "approving time and expenses",
  "term-close": "closing the billing term",
  payments: "collecting payments",
  "manual-changes": "changes made by hand",
  reconcile: "reconciling",
  done: "done",
};

/** The demo runtime's log: pino JSON lines in a file of a new temporary folder. */
function demoLog(): { logger: PinoRuntimeLogger; file: string } {
  const file = join(mkdtempSync(join(tmpdir(), "syncspec-demo-log-")), "runtime.log");
  return { logger: pinoLogger({ sink: createLogSink(createWriteStream(file)), base: { component: "demo" } }), file };
}

function positiveInteger(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value)) throw new UsageError(`${flag} must be a non-negative integer, not '${value}'`);
  return Number(value);
}

/** Whether a port of 127.0.0.1 can be listened on now. */
function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once("error", () => resolve(false));
    probe.listen(port, "127.0.0.1", () => probe.close(() => resolve(true)));
  });
}

function progressPrinter(io: CliIo): (progress: Progress) => void {
  let last = "";
  return ({ phase, done, total }) => {
    if (io.isTTY) {
      const width = 30;
      const filled = total === 0 ? width : Math.round((done / total) * width);
      io.stderr(`\r${LABELS[phase].padEnd(30)} [${"#".repeat(filled)}${"-".repeat(width - filled)}] ${done}/${total}   ${phase === "done" ? "\n" : ""}`);
      return;
    }
    if (done === total && last !== phase) {
      last = phase;
      io.stderr(`${LABELS[phase]}: ${done}/${total}\n`);
    }
  };
}

function printSummary(io: CliIo, s: DemoSummary): void {
  const lines = [
    `month of seed ${s.seed}: ${s.events} webhooks, ${s.accepted} events accepted (${s.duplicatesIgnored} duplicates ignored, ${s.conflicts} edits after approval held)`,
    `postings: ${Object.entries(s.postings).map(([system, n]) => `${system} ${n}`).join(", ")}; ${s.invoices} invoices, ${s.payments} payments`,
    `exceptions: ${s.exceptions.open} open, ${s.exceptions.resolved} resolved; dead letters: ${s.deadLettered}`,
    `reconciliation: ${s.reconciliationGaps} gaps (seeded ${s.seededGaps})${s.unexpectedGaps.length > 0 ? `; unexpected: ${s.unexpectedGaps.join(", ")}` : ""}${s.missedGaps.length > 0 ? `; missed: ${s.missedGaps.join(", ")}` : ""}`,
    ...(s.creditHold === undefined ? [] : [`credit hold: ${s.creditHold.client}'s ${s.creditHold.blocked} invoice(s) blocked while on hold, ${s.creditHold.released} released when it was lifted`]),
    `lost: ${s.lost}, effects applied twice: ${s.duplicatePostings}; ${s.eventsPerSecond} events/s over ${(s.playedMs / 1000).toFixed(1)} s`,
  ];
  io.stdout(`${lines.join("\n")}\n`);
}

/** `--json` is the short form of `--format json`; asking for both text and JSON is a usage error. */
function jsonAsked(json: boolean | undefined, format: string | undefined): boolean {
  const asked = expectFormat(format, ["text", "json"] as const, json === true ? "json" : "text");
  if (json === true && asked === "text") throw new UsageError("--json and --format text ask for different output; give one");
  return asked === "json";
}

/** The counts a script checks first: whether the month held its promises, and what says so. */
function headline(s: DemoSummary): Record<string, unknown> {
  return {
    holds: demoHolds(s),
    events: s.events,
    lost: s.lost,
    duplicatePostings: s.duplicatePostings,
    deadLettered: s.deadLettered,
    reconciliationGaps: s.reconciliationGaps,
    unexpectedGaps: s.unexpectedGaps.length,
    missedGaps: s.missedGaps.length,
    ...(s.creditHold === undefined ? {} : { blockedInvoices: s.creditHold.blocked, releasedInvoices: s.creditHold.released }),
  };
}

/** Whether a summary meets the demo's promises. */
export function demoHolds(s: DemoSummary): boolean {
  // A hold that blocked nothing, or left an invoice held after it was lifted, is a broken promise too.
  const hold = s.creditHold === undefined || (s.creditHold.blocked > 0 && s.creditHold.released === s.creditHold.blocked);
  return s.settled && s.lost === 0 && s.duplicatePostings === 0 && s.unexpectedGaps.length === 0 && s.missedGaps.length === 0 && hold;
}

export const demoCommand: Command = {
  name: "demo",
  summary: "Play a consulting firm's month through the runtime against simulated systems, reconcile, and open the dashboard",
  usage: "spec demo [--seed n] [--json | --format text|json] [--port n] [--token t] [--outage-ms n] [--calm] [--consultants n] [--projects n] [--time-entries n] [specs-dir]",
  options: [
    {
      name: "seed",
      value: "n",
      description: "The seed of the month's data and faults; the same seed gives the same counts",
      default: "7",
      examples: ["spec demo --seed 7", "spec demo --seed 42 --json"],
    },
    {
      name: "json",
      description: "Print the summary as one JSON object and exit instead of serving the dashboard (--format json)",
      examples: ["spec demo --json | tail -1", "spec demo --seed 7 --json --calm"],
    },
    {
      name: "format",
      value: "format",
      description: "Text and the dashboard for people, or the summary as one JSON object (its own summary key last) for scripts",
      values: ["text", "json"],
      default: "text",
      examples: ["spec demo --format json | tail -1 | jq .summary", "spec demo --seed 42 --format json --calm"],
    },
    {
      name: "port",
      value: "n",
      description: "The dashboard's port on 127.0.0.1",
      default: "any free port",
      examples: ["spec demo --port 8081", "spec demo --port 8081 --token demo-token"],
    },
    {
      name: "token",
      value: "t",
      description: "The dashboard's token",
      default: "a fresh random token, printed",
      examples: ["spec demo --token demo-token", "spec demo --port 8081 --token demo-token"],
    },
    {
      name: "outage-ms",
      value: "n",
      description: "How long the simulated ERP outage lasts, in milliseconds",
      default: "1500",
      examples: ["spec demo --outage-ms 5000", "spec demo --outage-ms 0 --json"],
    },
    {
      name: "calm",
      description: "Simulated systems without faults: no 429s, 5xx, slow or lost answers, no outage",
      examples: ["spec demo --calm", "spec demo --calm --json"],
    },
    {
      name: "consultants",
      value: "n",
      description: "Consultants in the firm (at least 4)",
      default: "40",
      examples: ["spec demo --consultants 10 --projects 20", "spec demo --consultants 200 --json"],
    },
    {
      name: "projects",
      value: "n",
      description: "Projects across the three companies (at least 8)",
      default: "120",
      examples: ["spec demo --projects 20 --time-entries 2000", "spec demo --projects 500 --json"],
    },
    {
      name: "time-entries",
      value: "n",
      description: "Time entries in the month",
      default: "20000",
      examples: ["spec demo --time-entries 2000 --json", "spec demo --time-entries 100000 --json"],
    },
  ],
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, {
      seed: { type: "string" },
      json: { type: "boolean" },
      port: { type: "string" },
      token: { type: "string" },
      "outage-ms": { type: "string" },
      calm: { type: "boolean" },
      consultants: { type: "string" },
      projects: { type: "string" },
      "time-entries": { type: "string" },
      format: { type: "string" },
    });
    if (positionals.length > 1) throw new UsageError("spec demo takes at most one specs directory");
    const seed = positiveInteger(values.seed, "--seed", 7);
    const consultants = positiveInteger(values.consultants, "--consultants", 40);
    const projects = positiveInteger(values.projects, "--projects", 120);
    const timeEntries = positiveInteger(values["time-entries"], "--time-entries", 20_000);
    if (consultants < 4 || projects < 8) throw new UsageError("a month needs at least 4 consultants and 8 projects");
    const port = positiveInteger(values.port, "--port", 0);
    if (port > 65535) throw new UsageError(`--port must be a port number, not '${values.port}'`);
    // Asked before the month is played: the dashboard is what the month is played for.
    const json = jsonAsked(values.json, values.format);
    if (!json && port !== 0 && !(await portIsFree(port))) throw new UsageError(`--port ${port}: the port is in use on 127.0.0.1`);
    await loadExpressionCompiler();
    const program = await loadProgram({ cwd: io.cwd, paths: [positionals[0] ?? "specs"] });
    if (!program.ok) {
      printDiagnostics(io, program.diagnostics, "stylish");
      return EXIT.findings;
    }
    let month: ReturnType<typeof generateMonth>;
    try {
      month = generateMonth({ seed, consultants, projects, timeEntries });
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    // The generated modules run when they were compiled from these specs; otherwise the specs are
    // compiled in memory first, and the demo says so.
    const loaded = await generatedOrInMemory(program);
    if (loaded.from === "memory") {
      io.stderr(`spec demo: the generated modules were not compiled from these specs; compiled them in memory\n${stalenessLines(io.cwd, program.config.out, loaded.staleness).join("\n")}\n`);
    }
    // The runtime's log would bury the progress and the summary: it goes to a file, named at the end.
    const log = demoLog();
    const run = await playMonth({
      month,
      logger: log.logger,
      compiled: loaded.compiled,
      reconciliations: [...loaded.lowered.reconciliations],
      faults: values.calm !== true,
      outageMs: positiveInteger(values["outage-ms"], "--outage-ms", 1500),
      onProgress: progressPrinter(io),
    });
    const summary = await summarise(run);
    io.stderr(`spec demo: the runtime's log (retries, breakers, exceptions) is in ${log.file}\n`);
    if (json) {
      await run.close();
      io.stdout(`${JSON.stringify({ ...summary, summary: headline(summary) })}\n`);
      return demoHolds(summary) ? EXIT.ok : EXIT.findings;
    }
    printSummary(io, summary);
    const latency = new Map(run.simulators.stats().map((s) => [s.system, s.latency]));
    const dashboard = await startDashboard({
      store: run.store,
      compiled: run.compiled,
      runtime: run.runtime,
      reconciler: run.reconciler,
      latency: (system) => run.simulators.simulators[system]?.stats().latency ?? latency.get(system) ?? null,
      port,
      ...(values.token === undefined ? {} : { token: values.token }),
      title: "syncspec demo: Halden & Rowe, March 2026",
      log: dashboardLog(io),
      redact: run.runtime.redactor.text,
    }).catch(async (error: Error) => {
      await run.close();
      throw new UsageError(`--port ${port}: the dashboard cannot listen: ${error.message}`);
    });
    // The reconciliations keep running on their declared schedules while the dashboard is up.
    const stopSchedule = run.reconciler.schedule();
    io.stdout(`${announceDashboard(io, { prefix: "", url: dashboard.url, token: dashboard.token, given: values.token === undefined ? undefined : "--token" })}Press Ctrl-C to stop.\n`);
    await new Promise<void>((resolve) => {
      process.once("SIGINT", resolve);
      process.once("SIGTERM", resolve);
    });
    stopSchedule();
    await dashboard.close();
    await run.close();
    return demoHolds(summary) ? EXIT.ok : EXIT.findings;
  },
};
