/**
 * `npm run bench -- compile [--json] [--routes=<n>] [--entities=<n>]`: the code generator's
 * figures. `specsColdMs`: `spec compile` of specs/ in a fresh process (node and module loading
 * included) into a scratch folder; `large*`: a generated set of 1,000 routes and 200 entities
 * (with their systems, ownerships and mappings) compiled in a fresh process: wall time, CPU time
 * and peak resident memory; `watchReemitMs`: with `--watch` running on a copy of specs/, the
 * median time from saving a one-line edit of a mapping to its output being written
 * (`watchFirstReemitMs`: the first edit after start-up, which also warms the JIT).
 * `specsColdMs` is the median of `--runs=<n>` (default 5) such processes; `builtColdMs` the median
 * of as many runs of the built CLI (`npm run build`'s `@syncspec/cli`, plain Node, no loader), as
 * a service runs `npx spec compile`. `--specs-only` stops after these two.
 * Targets on a 2-core machine: specs/ under 3 s; 1,000 routes under 20 s within 1.5 GB; a
 * one-file edit under 500 ms.
 */
import { spawnSync } from "node:child_process";
import { buildPackages } from "../scripts/build-packages.ts";
import { cpSync, existsSync, mkdirSync, symlinkSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { performance } from "node:perf_hooks";
import { type WatchCycle, watchSpecs } from "../src/compiler/emit/watch.ts";
import { projectRoot } from "../src/testing/environment.ts";

const meta = (name: string) => `metadata:\n  name: ${name}\n  version: 1.0.0\n  team: integration\n  description: Generated for the compile benchmark.\n`;

function system(name: string, role: string, body: string): string {
  return `apiVersion: syncspec.dev/v1
kind: System
${meta(name)}spec:
  role: ${role}
  baseUrl: { env: ${name.toUpperCase()}_BASE_URL, default: "https://${name}.example.com" }
  auth: { type: api-key, header: X-Api-Key, key: { secret: ${name}/api-key } }
  quotas: { requestsPerMinute: 600 }
  classification: [internal]
${body}`;
}

/** Writes a spec set of `routes` routes over `entities` entities; returns its project folder. */
export function generate(routes: number, entities: number): string {
  const root = mkdtempSync(join(tmpdir(), "syncspec-compile-bench-"));
  const write = (path: string, text: string) => {
    mkdirSync(join(root, path, ".."), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  write("syncspec.yaml", "specs: [specs]\nout: generated\n");
  let psa = "  schemas:\n";
  let events = "  events:\n";
  let erp = "  schemas:\n";
  let operations = "  operations:\n";
  for (let e = 0; e < entities; e++) {
    psa += `    Record${e}:\n      type: object\n      required: [id, amount, currency]\n      properties:\n        id: { type: string }\n        amount: { type: string, format: decimal }\n        currency: { type: string }\n        note: { type: string }\n        status: { type: string, enum: [OPEN, DONE] }\n`;
    events += `    changed${e}: { delivery: webhook, payload: Record${e}, entity: Entity${e}, webhook: { path: /hooks/${e}, authentication: { none: { reason: "a generated set that only compiles" } } } }\n`;
    erp += `    Posting${e}:\n      type: object\n      required: [reference, amount]\n      properties:\n        reference: { type: string }\n        amount: { type: string }\n        memo: { type: string }\n`;
    operations += `    upsert${e}: { method: PUT, path: /postings/${e}, effect: upsert, entity: Entity${e}, request: Posting${e}, idempotency: { mechanism: upsert, externalIdField: reference } }\n`;
    write(
      `specs/entities/entity-${e}.yaml`,
      `apiVersion: syncspec.dev/v1\nkind: Entity\n${meta(`Entity${e}`)}spec:\n  identity: [id]\n  fields:\n    id: { type: string, required: true }\n    amount: { type: money, currencyField: currency, required: true }\n    currency: { type: currency, required: true }\n    note: { type: string, description: A note. }\n    status: { type: enum, values: [open, done] }\n    day: { type: date }\n`,
    );
    write(
      `specs/ownership/entity-${e}.yaml`,
      `apiVersion: syncspec.dev/v1\nkind: Ownership\n${meta(`entity-${e}`)}spec:\n  entity: Entity${e}\n  systemOfRecord: psa\n  steward: delivery-ops\n  create: [psa, erp]\n  replicas: [erp]\n`,
    );
    write(
      `specs/mappings/record-${e}-to-entity.yaml`,
      `apiVersion: syncspec.dev/v1\nkind: Mapping\n${meta(`record-${e}-to-entity`)}spec:\n  source: { system: psa, schema: Record${e} }\n  target: { entity: Entity${e} }\n  expression: |\n    { "id": id, "amount": amount, "currency": currency, "note": note, "status": status = "DONE" ? "done" : "open" }\n`,
    );
    write(
      `specs/mappings/entity-${e}-to-posting.yaml`,
      `apiVersion: syncspec.dev/v1\nkind: Mapping\n${meta(`entity-${e}-to-posting`)}spec:\n  source: { entity: Entity${e} }\n  target: { system: erp, schema: Posting${e} }\n  expression: |\n    { "reference": id, "amount": amount, "memo": "entity " & id }\n`,
    );
  }
  write("specs/systems/psa.yaml", system("psa", "psa", psa + events));
  write("specs/systems/erp.yaml", system("erp", "erp", erp + operations));
  for (let r = 0; r < routes; r++) {
    const e = r % entities;
    write(
      `specs/routes/route-${r}.yaml`,
      `apiVersion: syncspec.dev/v1
kind: Route
${meta(`route-${r}`)}spec:
  trigger: { event: psa.changed${e}, when: "note != 'skip-${r}'" }
  idempotencyKey: [id]
  orderingKey: [id]
  steps:
    - map: record-${e}-to-entity
    - validate: Entity${e}
    - deliver: { operation: erp.upsert${e}, mapping: entity-${e}-to-posting }
  policies:
    retry: { maxAttempts: 5, backoff: exponential, initialDelay: 1s, maxDelay: 1m }
    timeout: 30s
    deadLetter: { queue: dlq-${r} }
    exceptions: { queue: exceptions-${r}, owner: finance-ops }
  sla: { within: 1h }
`,
    );
  }
  return root;
}

/** Runs `spec compile` in a fresh process and reports its wall time, CPU time and peak memory. */
function compileInChild(cwd: string, out: string): { ms: number; cpuMs: number; maxRssMb: number; files: number; ok: boolean; output: string } {
  const script = `
    const started = performance.now();
    const { main } = await import(${JSON.stringify(join(projectRoot, "src", "cli", "main.ts"))});
    let output = "";
    const code = await main(["compile", "--out", ${JSON.stringify(out)}], { cwd: ${JSON.stringify(cwd)}, stdout: (t) => { output += t; }, stderr: (t) => { output += t; }, env: {}, isTTY: false });
    const usage = process.resourceUsage();
    process.stdout.write(JSON.stringify({ code, ms: performance.now() - started, cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000, maxRssKb: usage.maxRSS, output: output.slice(-2000) }));
  `;
  const result = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { cwd: projectRoot, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  const parsed = JSON.parse(result.stdout.slice(result.stdout.indexOf("{"))) as { code: number; ms: number; cpuMs: number; maxRssKb: number; output: string };
  let files = 0;
  const count = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) entry.isDirectory() ? count(join(dir, entry.name)) : files++;
  };
  if (parsed.code === 0) count(out);
  return { ms: Math.round(parsed.ms), cpuMs: Math.round(parsed.cpuMs), maxRssMb: Math.round(parsed.maxRssKb / 1024), files, ok: parsed.code === 0, output: parsed.output };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/**
 * The built CLI compiling specs/ in fresh processes, `runs` times: wall times in ms. The packages
 * are built into dist/ with the runtime linked where the CLI looks for it; their other
 * dependencies resolve from the checkout's node_modules.
 */
function builtCompiles(out: string, runs: number): { ms: number; cpuMs: number }[] {
  const built = buildPackages(join(projectRoot, "dist"));
  const link = join(built.cli, "node_modules", "syncspec");
  mkdirSync(join(link, ".."), { recursive: true });
  if (!existsSync(link)) symlinkSync(built.runtime, link, "dir");
  const script = `
    const started = performance.now();
    const { main } = await import(${JSON.stringify(pathToFileURL(join(built.cli, "lib", "cli", "main.js")).href)});
    let output = "";
    const code = await main(["compile", "--out", ${JSON.stringify(out)}], { cwd: ${JSON.stringify(projectRoot)}, stdout: (t) => { output += t; }, stderr: (t) => { output += t; }, env: {}, isTTY: false });
    const usage = process.resourceUsage();
    process.stdout.write(JSON.stringify({ code, ms: performance.now() - started, cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000, output: output.slice(-2000) }));
  `;
  const times: { ms: number; cpuMs: number }[] = [];
  for (let i = 0; i < runs; i++) {
    const result = spawnSync(process.execPath, ["--input-type=module", "-e", script], { cwd: projectRoot, encoding: "utf8" });
    const parsed = JSON.parse(result.stdout.slice(result.stdout.indexOf("{"))) as { code: number; ms: number; cpuMs: number; output: string };
    if (parsed.code !== 0) throw new Error(`the built spec compile failed:\n${parsed.output}${result.stderr}`);
    times.push({ ms: Math.round(parsed.ms), cpuMs: Math.round(parsed.cpuMs) });
  }
  return times;
}

/**
 * Saves one-line edits of a mapping under `--watch`, one after another, and times each from the
 * save to its output being written: the first edit after start-up, and the median of the rest.
 */
async function watchReemit(edits = 5): Promise<{ firstMs: number; medianMs: number; cycleMs: number; written: readonly string[] }> {
  const dir = mkdtempSync(join(tmpdir(), "syncspec-watch-bench-"));
  try {
    cpSync(join(projectRoot, "specs"), join(dir, "specs"), { recursive: true });
    cpSync(join(projectRoot, "syncspec.yaml"), join(dir, "syncspec.yaml"));
    const cycles: WatchCycle[] = [];
    const watcher = watchSpecs({ cwd: dir, paths: [], outDir: join(dir, "generated"), onCycle: (c) => cycles.push(c), debounceMs: 20 });
    const waitFor = async (n: number) => {
      for (let waited = 0; cycles.length < n && waited < 120_000; waited += 5) await new Promise((r) => setTimeout(r, 5));
    };
    try {
      await waitFor(1);
      // A YAML mapping whose expression is a block: the edit below must change the file, or the
      // watcher recompiles an unchanged set and writes nothing.
      const mappings = readdirSync(join(dir, "specs", "mappings")).filter((name) => name.endsWith(".yaml")).sort();
      const file = join(dir, "specs", "mappings", mappings[0] as string);
      const original = readFileSync(file, "utf8");
      if (!/expression: \|\n/.test(original)) throw new Error(`compile bench: ${file} has no block expression to edit`);
      const times: number[] = [];
      let written: readonly string[] = [];
      for (let n = 1; n <= edits; n++) {
        const edited = original.replace(/expression: \|\n/, (m) => `${m}    /* edit ${n} */\n`);
        const seen = cycles.length;
        const started = performance.now();
        writeFileSync(file, edited);
        await waitFor(seen + 1);
        times.push(performance.now() - started);
        written = cycles[seen]?.written ?? [];
        // Let trailing events of the save settle before the next edit.
        await new Promise((r) => setTimeout(r, 300));
      }
      const rest = times.slice(1).sort((a, b) => a - b);
      const median = rest[Math.floor(rest.length / 2)] ?? Number.NaN;
      return { firstMs: Math.round(times[0] ?? Number.NaN), medianMs: Math.round(median), cycleMs: Math.round(cycles[cycles.length - 1]?.ms ?? Number.NaN), written };
    } finally {
      watcher.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function run({ args }: { json: boolean; args: string[] }): Promise<Record<string, unknown>> {
  const option = (name: string, fallback: number) => Number(args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback);
  const routes = option("routes", 1000);
  const entities = option("entities", 200);
  const scratch = mkdtempSync(join(tmpdir(), "syncspec-compile-out-"));
  try {
    const runs = option("runs", 5);
    const colds = Array.from({ length: runs }, () => compileInChild(projectRoot, join(scratch, "specs")));
    const specs = { ...(colds[0] as ReturnType<typeof compileInChild>), ms: median(colds.map((c) => c.ms)), cpuMs: median(colds.map((c) => c.cpuMs)) };
    process.stderr.write(`compile bench: specs/ cold, median of ${runs}: ${specs.ms} ms (cpu ${specs.cpuMs} ms, ${specs.maxRssMb} MB), ${specs.files} files\n`);
    const builtTimes = builtCompiles(join(scratch, "built"), runs);
    const builtColdMs = median(builtTimes.map((t) => t.ms));
    const builtCpuMs = median(builtTimes.map((t) => t.cpuMs));
    process.stderr.write(`compile bench: specs/ cold with the built CLI, median of ${runs}: ${builtColdMs} ms (cpu ${builtCpuMs} ms; ${builtTimes.map((t) => t.ms).join(", ")} ms)\n`);
    if (args.includes("--specs-only")) return { specsColdMs: specs.ms, specsCpuMs: specs.cpuMs, specsFiles: specs.files, builtColdMs, builtCpuMs, runs, targets: { specsColdMs: 3000 } };
    const root = generate(routes, entities);
    let large: ReturnType<typeof compileInChild>;
    try {
      large = compileInChild(root, join(scratch, "large"));
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
    if (!large.ok) process.stderr.write(`compile bench: the generated set did not compile:\n${large.output}\n`);
    process.stderr.write(`compile bench: ${routes} routes, ${entities} entities: ${large.ms} ms (cpu ${large.cpuMs} ms), peak ${large.maxRssMb} MB, ${large.files} files\n`);
    const watch = await watchReemit();
    process.stderr.write(
      `compile bench: watch re-emit after a one-file edit: first ${watch.firstMs} ms, then a median ${watch.medianMs} ms (last recompile ${watch.cycleMs} ms), wrote ${watch.written.join(", ")}\n`,
    );
    return {
      specsColdMs: specs.ms,
      specsCpuMs: specs.cpuMs,
      builtColdMs,
      builtCpuMs,
      runs,
      specsFiles: specs.files,
      routes,
      entities,
      largeOk: large.ok,
      largeMs: large.ms,
      largeCpuMs: large.cpuMs,
      largePeakMb: large.maxRssMb,
      largeFiles: large.files,
      watchReemitMs: watch.medianMs,
      watchFirstReemitMs: watch.firstMs,
      watchRecompileMs: watch.cycleMs,
      watchWritten: watch.written.length,
      targets: { specsColdMs: 3000, largeMs: 20000, largePeakMb: 1536, watchReemitMs: 500 },
    };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
