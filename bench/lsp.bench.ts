/**
 * `npm run bench -- lsp [--json] [--edits=<n>] [--routes=<n>] [--entities=<n>] [--specs-only]`:
 * the language server's figures, measured through `spec lsp --stdio` as an editor drives it.
 * `specsEditMs`: the median time from a one-character edit of an open mapping in a copy of specs/
 * to that document's diagnostics arriving (`specsEditP90Ms` the 90th percentile), over `--edits`
 * edits (default 30); `specsRssMb` / `specsPeakRssMb`: the server's resident memory once settled
 * and its peak. `large*`: the same on the compile benchmark's generated set of 1,000 routes and
 * 200 entities, with `largeFirstDiagnosticsMs`, the time from start-up to the first diagnostics.
 * Targets on a 2-core machine: an edit under 300 ms; specs/ under 300 MB; 1,000 routes under 1.5 GB.
 */
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { copyProject, startClient, type TestClient } from "../test/lsp/lsp-client.ts";
import { generate } from "./compile.bench.ts";

function option(args: readonly string[], name: string, fallback: number): number {
  const found = args.find((a) => a.startsWith(`--${name}=`));
  const value = found === undefined ? fallback : Number(found.slice(name.length + 3));
  if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name} must be a positive integer`);
  return value;
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round((sorted[Math.min(sorted.length - 1, Math.floor((sorted.length - 1) * p))] ?? 0) * 10) / 10;
}

/** Peak and current resident memory of a process, in MB, from /proc (Linux). */
function memoryOf(pid: number | undefined): { rssMb: number; peakRssMb: number } {
  const status = pid === undefined ? "" : readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+)`, "m").exec(status)?.[1] ?? 0);
  return { rssMb: Math.round(kb("VmRSS") / 1024), peakRssMb: Math.round(kb("VmHWM") / 1024) };
}

/** Edits one character of an open document `edits` times (add, then remove); the time to each edit's diagnostics. */
async function editTimes(client: TestClient, relative: string, edits: number): Promise<number[]> {
  const text = await client.open(relative);
  await client.request("syncspec/settle");
  const uri = client.uri(relative);
  const at = text.indexOf("description:") + "description:".length;
  const times: number[] = [];
  for (let i = 0; i < edits; i++) {
    const next = i % 2 === 0 ? `${text.slice(0, at)} x${text.slice(at)}` : text;
    const arrived = client.nextDiagnostics(uri, () => true, 60_000);
    const started = performance.now();
    await client.change(relative, i + 2, next);
    await arrived;
    times.push(performance.now() - started);
  }
  return times;
}

async function measure(root: string, relative: string, edits: number): Promise<Record<string, number>> {
  const started = performance.now();
  const client = await startClient(root);
  try {
    await client.request("syncspec/settle");
    const firstDiagnosticsMs = Math.round(performance.now() - started);
    const times = await editTimes(client, relative, edits);
    return { firstDiagnosticsMs, editMs: percentile(times, 0.5), editP90Ms: percentile(times, 0.9), ...memoryOf(client.child.pid) };
  } finally {
    await client.stop();
  }
}

export async function run({ args }: { json: boolean; args: string[] }): Promise<Record<string, unknown>> {
  const edits = option(args, "edits", 30);
  const specs = await measure(copyProject(), "specs/mappings/psa-project-to-project.yaml", edits);
  process.stderr.write(`lsp bench: specs/ edit to diagnostics ${specs.editMs} ms median (p90 ${specs.editP90Ms} ms), ${specs.rssMb} MB (peak ${specs.peakRssMb} MB)\n`);
  const result: Record<string, unknown> = {
    edits,
    specsEditMs: specs.editMs,
    specsEditP90Ms: specs.editP90Ms,
    specsRssMb: specs.rssMb,
    specsPeakRssMb: specs.peakRssMb,
    targets: { editMs: 300, specsRssMb: 300, largeRssMb: 1536 },
  };
  if (args.includes("--specs-only")) return result;
  const routes = option(args, "routes", 1000);
  const entities = option(args, "entities", 200);
  const large = await measure(generate(routes, entities), "specs/routes/route-0.yaml", Math.min(edits, 10));
  process.stderr.write(`lsp bench: ${routes} routes: first diagnostics ${large.firstDiagnosticsMs} ms, edit ${large.editMs} ms median, ${large.rssMb} MB (peak ${large.peakRssMb} MB)\n`);
  return {
    ...result,
    routes,
    entities,
    largeFirstDiagnosticsMs: large.firstDiagnosticsMs,
    largeEditMs: large.editMs,
    largeEditP90Ms: large.editP90Ms,
    largeRssMb: large.rssMb,
    largePeakRssMb: large.peakRssMb,
  };
}
