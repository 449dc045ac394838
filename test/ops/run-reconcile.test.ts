/** `spec run` reconciles on schedule against the live systems, filing the gap in its store and logging each run. */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createSqliteStore } from "../../src/runtime/store/sqlite.ts";
import { writeFixture } from "../runtime/fixture.ts";
import { startWorker } from "../runtime/workers.ts";
import { journal, RECONCILIATION, serveLists, specFiles, time } from "./live-fixture.ts";

describe("spec run's scheduled reconciliations", () => {
  it("runs a reconciliation on its schedule against the list endpoints and files its gap in the store", async () => {
    const served = await serveLists({ psa: [time("t1", "P1", 60), time("t2", "P2", 30)], erp: [journal("t1", "P1", 60)] });
    const dir = mkdtempSync(join(tmpdir(), "syncspec-run-reconcile-"));
    const root = writeFixture({ ...specFiles(RECONCILIATION.replace("every: 1h", "every: 1s")), "syncspec.run.yaml": `store: "sqlite:${join(dir, "store.db")}"\n` });
    const worker = await startWorker(root, [], { PSA_BASE_URL: served.psaUrl, ERP_BASE_URL: served.erpUrl });
    try {
      const runs = () => worker.output().split("\n").filter((l) => l.includes('"event":"reconciliation.run"'));
      for (let waited = 0; runs().length < 2 && waited < 30_000; waited += 100) await new Promise((resolve) => setTimeout(resolve, 100));
      expect(runs().length).toBeGreaterThanOrEqual(2);
      expect(JSON.parse(runs()[0] as string)).toMatchObject({ level: "info", reconciliation: "time-journals", gaps: ["projectId=P2@2026-03"], records: { "approved-time": 2, journals: 1 } });
    } finally {
      worker.child.kill("SIGTERM");
      expect(await worker.exited).toBe(0);
      await served.close();
    }
    // Two runs found the same gap: one exception, still open.
    const store = await createSqliteStore({ path: join(dir, "store.db") });
    try {
      const gaps = await store.currentGaps();
      expect(gaps.map((g) => [g.gap?.reconciliation, g.gap?.key, g.queue, g.status])).toEqual([["time-journals", "projectId=P2@2026-03", "time-gaps", "open"]]);
    } finally {
      await store.close();
    }
  }, 120_000);
});
