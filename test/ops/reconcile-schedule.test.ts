/** The reconciler's schedule: a failed run is tried again soon, and a run that outlasts its interval is never doubled. */
import { describe, expect, it } from "vitest";
import type { ReconciliationDefinition } from "../../src/ops/reconcile/engine.ts";
import { createReconciler } from "../../src/ops/reconcile/reconciler.ts";
import { loadExpressionCompiler } from "../../src/runtime/expression.ts";

const definition = (every: string): ReconciliationDefinition => ({
  name: "time-journals",
  spec: {
    every,
    groupBy: ["projectId"],
    sources: [
      { name: "time", system: "psa", entity: "TimeEntry", measure: "minutes" },
      { name: "journals", system: "erp", entity: "TimeEntry", measure: "minutes" },
    ],
    tolerance: { absolute: "0" },
    onMismatch: { queue: "time-gaps", owner: "finance-ops" },
  },
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("scheduled reconciliation", () => {
  it("reports a failed run, and on schedule tries it again after the retry delay rather than at its next slot", async () => {
    await loadExpressionCompiler();
    const failures: string[] = [];
    let reads = 0;
    const readAt: number[] = [];
    const reconciler = createReconciler({
      // Slots three seconds apart: the retry, 20 ms after the failed first slot, comes long before the second.
      definitions: [definition("3s")],
      read: () => {
        reads += 1;
        readAt.push(Date.now());
        if (reads === 1) throw new Error("erp.listJournals answered 503 on page 2");
        return [{ projectId: "P1", minutes: 60 }];
      },
      retryMs: 20,
      onFailure: (name, error) => {
        failures.push(`${name}: ${error.message}`);
      },
    });
    const stop = reconciler.schedule();
    for (let waited = 0; reconciler.latest().length === 0 && waited < 10_000; waited += 10) await sleep(10);
    stop();
    expect(failures).toEqual(["time-journals: erp.listJournals answered 503 on page 2"]);
    expect(reconciler.latest()).toHaveLength(1);
    // The first slot failed; the retry came 20 ms after it, not at the next slot 3 s later (the
    // bound is half the interval, so a loaded machine's timer lag does not decide the outcome).
    // Three reads: the first slot's failed one, then the retry's read of each of the two sources.
    expect(readAt).toHaveLength(3);
    expect((readAt[1] as number) - (readAt[0] as number)).toBeLessThan(1_500);
  });

  it("never runs a reconciliation twice at once when a run outlasts its interval", async () => {
    await loadExpressionCompiler();
    let inFlight = 0;
    let most = 0;
    let runs = 0;
    const reconciler = createReconciler({
      definitions: [definition("20ms")],
      read: async (system) => {
        inFlight += 1;
        most = Math.max(most, inFlight);
        await sleep(120);
        inFlight -= 1;
        if (system === "erp") runs += 1;
        return [];
      },
    });
    const stop = reconciler.schedule();
    const requested = [reconciler.runAll(), reconciler.runAll()];
    await sleep(700);
    stop();
    await Promise.all(requested);
    expect(runs).toBeGreaterThanOrEqual(2);
    // One source is read at a time, and no second run of the reconciliation starts while one is under way.
    expect(most).toBe(1);
  });
});
