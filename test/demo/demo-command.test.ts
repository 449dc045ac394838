import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import type { CliIo } from "../../src/cli/io.ts";
import { main } from "../../src/cli/main.ts";
import { projectRoot } from "../../src/testing/environment.ts";

function fakeIo(): CliIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { cwd: projectRoot, env: {}, isTTY: false, stdout: (t) => out.push(t), stderr: (t) => err.push(t), out, err };
}

const tiny = ["--consultants", "6", "--projects", "12", "--time-entries", "240", "--outage-ms", "200"];

describe("spec demo", () => {
  it("prints the summary as its last line, and the same seed gives the same counts", async () => {
    const counts = async () => {
      const io = fakeIo();
      const code = await main(["demo", "--seed", "7", "--json", ...tiny], io);
      const last = io.out.join("").trim().split("\n").at(-1) ?? "";
      const summary = JSON.parse(last) as Record<string, unknown>;
      // The summary says which promise a failing month broke.
      expect(code, last).toBe(0);
      expect(io.err.join("")).toContain("reconciling: 4/4");
      const { misbehaviour: _m, eventsPerSecond: _e, playedMs: _p, ...rest } = summary;
      return rest;
    };
    const first = await counts();
    // The two edits after approval are corrected (cost and revenue reversed, charge adjusted): they leave no gap.
    expect(first).toMatchObject({ lost: 0, duplicatePostings: 0, reconciliationGaps: 4, seededGaps: 4, unexpectedGaps: [], missedGaps: [], conflicts: 0, corrections: 6, settled: true });
    // Time, cash and receivables are all reconciled through the simulators' paged list endpoints, every source read.
    const live = first["liveReconciliations"] as Record<string, Record<string, number>>;
    expect(Object.keys(live).sort()).toEqual(["billable-time-charges", "invoices-receivables", "payments-invoices", "time-cost-postings"]);
    expect(Object.keys(live["payments-invoices"] ?? {}).sort()).toEqual(["applied-in-ledger", "collected-payments", "invoice-amount-paid"]);
    for (const sources of Object.values(live)) expect(Math.min(...Object.values(sources))).toBeGreaterThan(0);
    // The client on credit hold had its invoices blocked, then released when the hold was lifted.
    const hold = first["creditHold"] as { blocked: number; released: number };
    expect(hold.blocked).toBeGreaterThan(0);
    expect(hold.released).toBe(hold.blocked);
    expect(first["summary"]).toEqual({
      holds: true,
      events: first["events"],
      lost: 0,
      duplicatePostings: 0,
      deadLettered: first["deadLettered"],
      reconciliationGaps: 4,
      unexpectedGaps: 0,
      missedGaps: 0,
      blockedInvoices: hold.blocked,
      releasedInvoices: hold.released,
    });
    expect(await counts()).toEqual(first);
  }, 300_000);

  it("refuses --json with --format text, and an unknown format", async () => {
    const both = fakeIo();
    expect(await main(["demo", "--json", "--format", "text"], both)).toBe(2);
    expect(both.err.join("")).toContain("--json and --format text ask for different output; give one");
    const unknown = fakeIo();
    expect(await main(["demo", "--format", "yaml"], unknown)).toBe(2);
    expect(unknown.err.join("")).toContain("unknown format 'yaml'; use one of text, json");
  });

  it("refuses a seed that is not a number with a usage error", async () => {
    const io = fakeIo();
    expect(await main(["demo", "--seed", "seven", "--json"], io)).toBe(2);
    expect(io.err.join("")).toContain("--seed must be a non-negative integer, not 'seven'");
  });

  it("refuses a month too small to hold its seeded mess", async () => {
    const io = fakeIo();
    expect(await main(["demo", "--json", "--consultants", "2"], io)).toBe(2);
    expect(io.err.join("")).toContain("a month needs at least 4 consultants and 8 projects");
  });

  it("refuses a dashboard port that is taken before it plays the month", async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
    const port = (taken.address() as { port: number }).port;
    try {
      const io = fakeIo();
      expect(await main(["demo", "--port", String(port), ...tiny], io)).toBe(2);
      expect(io.err.join("")).toContain(`spec demo: --port ${port}: the port is in use on 127.0.0.1`);
      expect(io.err.join("")).not.toContain("approving time");
    } finally {
      taken.close();
    }
  });
});
