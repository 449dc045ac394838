/**
 * `npm run bench -- reconcile [--records n] [--json]`: live reconciliation's read rate. Two list
 * endpoints on a local HTTP server hold `n` approved time entries (paged by number) and `n - 1` ERP
 * journals (paged by cursor), 500 a page, one journal short so one gap is found; the run reads every page, maps every item back to the canonical entity,
 * compares and files the gap in a SQLite store. Reports records read per second and the run's time.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loweredReconciliations } from "../src/cli/load-compiled.ts";
import { loadProgram } from "../src/compiler/program.ts";
import { liveReconciler } from "../src/ops/reconcile/live-reconciler.ts";
import { createRuntime } from "../src/runtime/engine.ts";
import { loadExpressionCompiler } from "../src/runtime/expression.ts";
import { createSqliteStore } from "../src/runtime/store/sqlite.ts";
import { compileInMemory } from "../src/testing/compile-in-memory.ts";
import { journal, RECONCILIATION, serveLists, specFiles, time } from "../test/ops/live-fixture.ts";
import { writeFixture } from "../test/runtime/fixture.ts";

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** Runs the benchmark. */
export async function run(options: { json: boolean; args: string[] }): Promise<Record<string, unknown>> {
  const at = options.args.indexOf("--records");
  const n = at === -1 ? 50_000 : Number(options.args[at + 1]);
  if (!Number.isInteger(n) || n < 2) throw new Error("--records must be a whole number of at least 2");
  await loadExpressionCompiler();
  const psa = Array.from({ length: n }, (_, i) => time(`t${i}`, `P${i % 500}`, 30 + (i % 90), `2026-03-${String(1 + (i % 28)).padStart(2, "0")}`));
  const erp = psa.slice(1).map((t) => journal(String(t["timeEntryId"]), String(t["projectId"]), Number(t["minutes"]), String(t["date"])));
  const served = await serveLists({ psa, erp, erpPageSize: 500 });
  const root = writeFixture(specFiles(RECONCILIATION.replace("size: 2 }", "size: 500 }")));
  const program = await loadProgram({ cwd: root });
  if (!program.ok) throw new Error(program.diagnostics.map((d) => d.message).join("\n"));
  const compiled = compileInMemory(program);
  const store = await createSqliteStore({ path: join(mkdtempSync(join(tmpdir(), "syncspec-bench-reconcile-")), "store.db") });
  try {
    const runtime = createRuntime({ compiled, store, env: { PSA_BASE_URL: served.psaUrl, ERP_BASE_URL: served.erpUrl }, logger: silent });
    const reconciler = liveReconciler({ definitions: loweredReconciliations(program), compiled, runtime, logger: silent });
    const started = performance.now();
    const [result] = await reconciler.runAll();
    const ms = performance.now() - started;
    const records = Object.values(result?.records ?? {}).reduce((a, b) => a + b, 0);
    const figures = { records, pages: served.requests.length, gaps: result?.gaps.length ?? 0, runMs: Math.round(ms), recordsPerSecond: Math.round((records / ms) * 1000) };
    if (!options.json) process.stderr.write(`read ${records} records in ${figures.pages} pages: ${figures.recordsPerSecond} records/s\n`);
    return figures;
  } finally {
    await store.close();
    await served.close();
  }
}
