/**
 * The runtime benchmark's own parts: the store call counts it reports (figures that do not move
 * with the machine's load) and the script that compiles its spec set in a process of its own.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { countingStore, storeFigures } from "../../bench/store-counts.ts";
import { createSqliteStore } from "../../src/runtime/store/sqlite.ts";
import type { Store } from "../../src/runtime/store/store.ts";
import { projectRoot } from "../../src/testing/environment.ts";

const dirs: string[] = [];
const stores: Store[] = [];
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "syncspec-bench-test-"));
  dirs.push(dir);
  return dir;
}

const incoming = (key: string) => ({ route: "time-to-revenue", key, payload: { timeEntryId: key }, source: "psa.timeApproved", traceId: `trace-${key}` });

describe("the benchmark's store counts", () => {
  it("count each call to a real threaded SQLite store and the items it carried, and leave the store's answers alone", async () => {
    const store = await createSqliteStore({ path: join(tempDir(), "counted.db"), durability: "normal" });
    stores.push(store);
    const { store: counted, counts } = countingStore(store);
    const outcomes = await counted.accept([incoming("t1"), incoming("t2"), incoming("t3")], 1_000);
    expect(outcomes.map((o) => o.status)).toEqual(["accepted", "accepted", "accepted"]);
    const claimed = await counted.claimEvents({ worker: "w", limit: 10, now: 2_000, leaseMs: 60_000, targets: {} });
    expect(claimed).toHaveLength(3);
    const renewed = await counted.renewLeases({ worker: "w", now: 3_000, leaseMs: 60_000, events: claimed.map((e) => ({ id: e.id, attempt: e.attempt })), deliveries: [] });
    expect(renewed.events).toHaveLength(3);
    expect(await counted.findXref("Project", "erp", "p1", "psa")).toBeUndefined();
    expect(Object.fromEntries(counts)).toEqual({
      accept: { calls: 1, items: 3 },
      claimEvents: { calls: 1, items: 1 },
      renewLeases: { calls: 1, items: 3 },
      findXref: { calls: 1, items: 1 },
    });
  });

  it("say per event how many calls crossed to the store, how many were lookups, and the batch each settlement carried", () => {
    const counts = new Map([
      ["accept", { calls: 4, items: 1000 }],
      ["settleEvents", { calls: 5, items: 1000 }],
      ["settleDeliveries", { calls: 2, items: 30 }],
      ["claimEvents", { calls: 11, items: 11 }],
      ["findXref", { calls: 50, items: 50 }],
    ]);
    expect(storeFigures(counts, 1000)).toEqual({
      storeCallsPerEvent: 0.02,
      lookupsPerEvent: 0.05,
      eventsPerEventSettlement: 200,
      deliveriesPerDeliverySettlement: 15,
      storeCalls: { accept: 4, claimEvents: 11, findXref: 50, settleDeliveries: 2, settleEvents: 5 },
    });
    expect(storeFigures(new Map(), 0)).toEqual({ storeCallsPerEvent: 0, lookupsPerEvent: 0, eventsPerEventSettlement: 0, deliveriesPerDeliverySettlement: 0, storeCalls: {} });
  });
});

describe("the benchmark's fixture compiler", () => {
  const script = join(projectRoot, "bench", "runtime-fixture.ts");

  it("writes the generated modules of the fixture, its time-to-revenue route ordered per time entry", () => {
    const out = join(tempDir(), "generated");
    const run = spawnSync(process.execPath, ["--import", "tsx", script, out], { cwd: projectRoot, encoding: "utf8" });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(readFileSync(join(out, "index.ts"), "utf8")).toContain("export const specSet");
    const route = readFileSync(join(out, "routes", "time-to-revenue.ts"), "utf8");
    expect(route).toMatch(/orderingKey: \[\s*"timeEntryId",\s*\]/);
  });

  it("refuses to run without an output folder, saying how it is called", () => {
    const run = spawnSync(process.execPath, ["--import", "tsx", script], { cwd: projectRoot, encoding: "utf8" });
    expect(run.status).toBe(2);
    expect(run.stderr).toBe("usage: node --import tsx bench/runtime-fixture.ts <out>\n");
  });
});
