/**
 * Lookups in live reconciliation: a read's lookups bound for its reverse mapping (a cross-reference
 * found by a path through the item's lists), a source's lookups bound for its measure (reference
 * data as of the record's date), and a record a lookup cannot price reported with the reason and
 * its group opened as a gap, against list endpoints served over HTTP.
 */
import { afterEach, describe, expect, it } from "vitest";
import { loweredReconciliations } from "../../src/cli/load-compiled.ts";
import { loadProgram } from "../../src/compiler/program.ts";
import { liveReconciler } from "../../src/ops/reconcile/live-reconciler.ts";
import { createRuntime } from "../../src/runtime/engine.ts";
import { loadExpressionCompiler } from "../../src/runtime/expression.ts";
import type { Logger } from "../../src/runtime/logger.ts";
import { createSqliteStore } from "../../src/runtime/store/sqlite.ts";
import type { Store } from "../../src/runtime/store/store.ts";
import { compileInMemory } from "../../src/testing/compile-in-memory.ts";
import { writeFixture } from "../runtime/fixture.ts";
import { type Lists, serveLists, specFiles, time } from "./live-fixture.ts";

const RECONCILIATION = `apiVersion: syncspec.dev/v1
kind: Reconciliation
metadata: { name: priced-time, version: 1.0.0, team: delivery-ops }
spec:
  every: 1h
  groupBy: [projectId]
  period: month
  periodField: date
  sources:
    - name: approved-time
      system: psa
      entity: TimeEntry
      read:
        operation: listTime
        items: items
        pagination: { style: page, param: page, sizeParam: pageSize, size: 2 }
        mapping: psa-time-read
      lookups:
        - { lookup: reference-data, entity: Rate, key: projectId, asOf: date, as: rate }
      measure: $formatNumber($number($rate.perHour) * minutes / 60, "0.00")
    - name: journals
      system: erp
      entity: TimeEntry
      read:
        operation: listJournals
        pagination: { style: cursor, param: cursor, next: next_offset }
        lookups:
          - { lookup: xref, entity: Project, from: erp, to: psa, key: lines.option, as: project }
        mapping: erp-journal-priced
      measure: amount
  tolerance: { absolute: "0" }
  onMismatch: { queue: time-gaps, owner: finance-ops }
`;

function files(): Record<string, string> {
  const base = specFiles(RECONCILIATION);
  return {
    ...base,
    "specs/time-entry.yaml": (base["specs/time-entry.yaml"] as string).replace("    date: { type: string }\n", "    date: { type: string }\n    amount: { type: decimal }\n"),
    "specs/erp.yaml": (base["specs/erp.yaml"] as string).replace(
      "reference: { type: string }, date: { type: string } } }",
      "reference: { type: string }, date: { type: string }, amount: { type: string }, lines: { type: array, items: { type: object, properties: { option: { type: string } } } } } }",
    ),
    "specs/rate.yaml": `apiVersion: syncspec.dev/v1
kind: Entity
metadata: { name: Rate, version: 1.0.0, team: delivery-ops }
spec:
  identity: [projectId]
  fields:
    projectId: { type: string, required: true }
    perHour: { type: decimal, required: true }
`,
    "specs/priced-mapping.yaml": `apiVersion: syncspec.dev/v1
kind: Mapping
metadata: { name: erp-journal-priced, version: 1.0.0, team: delivery-ops }
spec:
  source: { system: erp, schema: Journal }
  target: { entity: TimeEntry }
  lookups: { project: { kind: xref, entity: Project, from: erp, to: psa } }
  expression: '{ "timeEntryId": reference, "projectId": $project, "minutes": 0, "date": date, "amount": amount }'
`,
  };
}

const silent: Logger = { info: () => {}, warn: () => {}, error: () => {} };

async function setUp(lists: Lists) {
  await loadExpressionCompiler();
  const served = await serveLists(lists);
  const program = await loadProgram({ cwd: writeFixture(files()) });
  if (!program.ok) throw new Error(program.diagnostics.map((d) => `${d.code} ${d.message}`).join("\n"));
  const compiled = compileInMemory(program);
  const store: Store = await createSqliteStore({ path: ":memory:" });
  const runtime = createRuntime({ compiled, store, env: { PSA_BASE_URL: served.psaUrl, ERP_BASE_URL: served.erpUrl }, logger: silent });
  const reconciler = liveReconciler({ definitions: loweredReconciliations(program), compiled, runtime, logger: silent, retryMs: 50 });
  return { store, reconciler, close: async () => Promise.all([served.close(), store.close()]) };
}

/** A journal whose cost line carries the project's option and whose clearing line carries none. */
const entry = (id: string, option: string, amount: string, date = "2026-03-10") => ({ reference: id, date, amount, lines: [{ option }, {}] });

describe("lookups in live reconciliation", () => {
  let close: (() => Promise<unknown>) | undefined;
  afterEach(async () => {
    await close?.();
    close = undefined;
  });

  it("prices each record at the rate in force on its day, finds the ERP's project through the reversed cross-reference, and opens a gap where a record cannot be priced", async () => {
    const lists: Lists = {
      // P1: an hour at 60.00 before the 15th and half an hour at 120.00 after it, 120.00 in all; P2 has no rate.
      psa: [time("t1", "P1", 60, "2026-03-10"), time("t2", "P1", 30, "2026-03-20"), time("t3", "P2", 60, "2026-03-10")],
      erp: [entry("t1", "OPT-1", "60.00"), entry("t2", "OPT-1", "60.00", "2026-03-20"), entry("t3", "OPT-2", "50.00")],
    };
    const s = await setUp(lists);
    close = s.close;
    await s.store.loadReferenceData({
      entity: "Rate",
      source: "rates.json",
      rows: [
        { key: "P1", validFrom: "2026-03-01", validTo: "2026-03-15", value: { projectId: "P1", perHour: "60.00" } },
        { key: "P1", validFrom: "2026-03-15", validTo: null, value: { projectId: "P1", perHour: "120.00" } },
      ],
      now: 1,
      actor: "test",
    });
    await s.store.putXref("Project", "psa", "P1", "erp", "OPT-1", 1);
    await s.store.putXref("Project", "psa", "P2", "erp", "OPT-2", 1);
    const [result] = await s.reconciler.runAll();
    expect(result?.records).toEqual({ "approved-time": 2, journals: 3 });
    expect(result?.gaps.map((g) => [g.key, g.difference])).toEqual([["projectId=P2@2026-03", "50.00"]]);
    expect(result?.gaps[0]?.sides[0]).toMatchObject({ source: "approved-time", total: "0.00", count: 0, unmeasured: 1, unmeasuredRecords: [{ timeEntryId: "t3" }] });
    // The queue says the entry could not be measured, beside the totals.
    const [filed] = await s.store.listIssues({ kind: "exception", status: "open" });
    expect(filed?.reason).toBe("priced-time: projectId=P2@2026-03 differs by 50.00 (approved-time 0.00 (1 not measured) vs journals 50.00)");
    expect(result?.problems).toEqual([
      expect.objectContaining({ source: "approved-time", record: expect.objectContaining({ timeEntryId: "t3" }), message: expect.stringContaining("not found: rate: no Rate P2") }),
    ]);
    // Once P2 has a rate, the gap is the 10.00 its hour is priced over what the ERP posted.
    await s.store.loadReferenceData({
      entity: "Rate",
      source: "rates.json",
      rows: [
        { key: "P1", validFrom: "2026-03-01", validTo: "2026-03-15", value: { projectId: "P1", perHour: "60.00" } },
        { key: "P1", validFrom: "2026-03-15", validTo: null, value: { projectId: "P1", perHour: "120.00" } },
        { key: "P2", validFrom: null, validTo: null, value: { projectId: "P2", perHour: "60.00" } },
      ],
      now: 2,
      actor: "test",
    });
    const [second] = await s.reconciler.runAll();
    expect(second?.problems).toEqual([]);
    expect(second?.gaps.map((g) => [g.key, g.difference, g.sides.map((side) => side.unmeasured)])).toEqual([["projectId=P2@2026-03", "10.00", [undefined, undefined]]]);
  });

  it("reports a journal whose project has no cross-reference, with the reason, and still compares the rest", async () => {
    const lists: Lists = { psa: [time("t1", "P1", 60)], erp: [entry("t1", "OPT-1", "60.00"), entry("t9", "OPT-9", "5.00")] };
    const s = await setUp(lists);
    close = s.close;
    await s.store.loadReferenceData({ entity: "Rate", source: "rates.json", rows: [{ key: "P1", validFrom: null, validTo: null, value: { projectId: "P1", perHour: "60.00" } }], now: 1, actor: "test" });
    await s.store.putXref("Project", "psa", "P1", "erp", "OPT-1", 1);
    const [result] = await s.reconciler.runAll();
    // The unattributed journal is a group of its own: an ERP cost on no known project.
    expect(result?.gaps.map((g) => [g.key, g.difference])).toEqual([["projectId=(none)@2026-03", "5.00"]]);
    expect(result?.gaps.find((g) => g.key.startsWith("projectId=P1"))).toBeUndefined();
  });
});
