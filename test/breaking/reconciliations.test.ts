/**
 * `spec breaking` over reconciliations: what moves or re-measures the gaps a reconciliation keeps
 * open breaks them; a new source, a tighter tolerance, a new schedule or another way of reading a
 * side breaks no one.
 */
import { rmSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { judgeChanges } from "../../src/compiler/breaking/breaking.ts";
import { loadProgram } from "../../src/compiler/program.ts";
import { edit, type SpecFiles, writeSet } from "../lint/lint-helpers.ts";
import { cleanSet } from "../lint/rules/cases.ts";

const PATH = "specs/reconciliations/time-bills.yaml";

const base: SpecFiles = {
  ...cleanSet,
  [PATH]: `apiVersion: syncspec.dev/v1
kind: Reconciliation
metadata: { name: time-bills, version: 1.0.0, team: finance-ops, description: "Billable time against what was billed." }
spec:
  schedule: "0 3 * * *"
  groupBy: [timeEntryId]
  sources:
    - { name: psa-time, system: psa, entity: TimeEntry, measure: billAmount }
    - { name: erp-time, system: erp, entity: TimeEntry, filter: $exists(billAmount), measure: billAmount }
  tolerance: { absolute: "0.50" }
  onMismatch: { queue: billing-gaps, owner: finance-ops }
`,
};

const change = (from: string, to: string): SpecFiles => edit(base, PATH, from, to);

function load(files: SpecFiles) {
  const root = writeSet(files);
  const program = loadProgram({ cwd: root });
  rmSync(root, { recursive: true, force: true });
  expect(program.diagnostics.filter((d) => d.severity === "error").map((d) => d.message)).toEqual([]);
  return program.set;
}

function changes(previous: SpecFiles, current: SpecFiles): string[] {
  return judgeChanges(load(previous), load(current), "stored-data").changes.map((c) => `${c.violation ? "violation" : c.breaking ? "breaking" : "ok"} ${c.class}: ${c.message}`);
}

const table: { name: string; current: SpecFiles; expected: string[] }[] = [
  {
    name: "a measure changed, as breaking the gaps open",
    current: change("measure: billAmount }\n    - { name: erp-time", "measure: hours }\n    - { name: erp-time"),
    expected: ["violation reconciliation-measure-changed: source psa-time now selects or measures its records differently: gaps open were measured the old way, and may close or reopen"],
  },
  {
    name: "a filter added to a source, as breaking the gaps open",
    current: change("{ name: psa-time, system: psa, entity: TimeEntry,", "{ name: psa-time, system: psa, entity: TimeEntry, filter: hours > 0,"),
    expected: ["violation reconciliation-measure-changed: source psa-time now selects or measures its records differently: gaps open were measured the old way, and may close or reopen"],
  },
  {
    name: "a source removed",
    current: change("    - { name: erp-time, system: erp, entity: TimeEntry, filter: $exists(billAmount), measure: billAmount }\n", "    - { name: erp-bills, system: erp, entity: TimeEntry, measure: billAmount }\n"),
    expected: [
      "violation reconciliation-source-removed: source erp-time was removed: the gaps open compare a side that is no longer read",
      "ok reconciliation-source-added: source erp-bills was added",
    ],
  },
  {
    name: "the groups changed, as moving every gap to another key",
    current: change("groupBy: [timeEntryId]", "groupBy: [currency]"),
    expected: ['violation reconciliation-grouping-changed: the groups changed from ["timeEntryId"] to ["currency"]: every gap open is kept under a key no run finds again'],
  },
  {
    name: "the tolerance widened, as closing gaps with no one acting",
    current: change('absolute: "0.50"', 'absolute: "5.00"'),
    expected: ['violation reconciliation-tolerance-widened: the tolerance widened from {"absolute":"0.50"} to {"absolute":"5.00"}: gaps open within it close with no one acting'],
  },
  {
    name: "the tolerance tightened, as compatible",
    current: change('absolute: "0.50"', 'absolute: "0.00"'),
    expected: ['ok reconciliation-tolerance-tightened: the tolerance tightened from {"absolute":"0.50"} to {"absolute":"0.00"}: differences it allowed open gaps'],
  },
  {
    name: "the schedule changed, as compatible",
    current: change('schedule: "0 3 * * *"', "every: 6h"),
    expected: ["ok reconciliation-schedule-changed: the reconciliation runs every 6h instead of cron '0 3 * * *'"],
  },
  {
    name: "the schedule removed, as breaking those who watch its runs",
    current: change('  schedule: "0 3 * * *"\n', ""),
    expected: ["violation reconciliation-schedule-removed: the reconciliation no longer runs on its own (it ran cron '0 3 * * *'): it runs only when asked"],
  },
  {
    name: "the queue changed, as leaving the gaps open where they are",
    current: change("queue: billing-gaps, owner: finance-ops", "queue: ar-gaps, owner: finance-ops"),
    expected: ["violation reconciliation-queue-changed: gaps now open in ar-gaps (finance-ops), not billing-gaps (finance-ops): those already open stay in billing-gaps"],
  },
  {
    name: "a version bump alone, as no change",
    current: change("version: 1.0.0", "version: 1.1.0"),
    expected: [],
  },
];

describe("comparing reconciliations", () => {
  it.each(table)("classifies $name", ({ current, expected }) => {
    expect(changes(base, current)).toEqual(expected);
  });

  it("classifies a source's live read added, changed or removed as compatible and says how it is read now", () => {
    const withRead = edit(cleanSet, "specs/systems/erp.yaml", "  operations:\n", "  operations:\n    listTime: { method: GET, path: /time, effect: read, entity: TimeEntry }\n");
    const previous = { ...withRead, [PATH]: base[PATH] as string };
    const current = { ...previous, [PATH]: (base[PATH] as string).replace("filter: $exists(billAmount), measure: billAmount }", "filter: $exists(billAmount), measure: billAmount, read: { operation: listTime } }") };
    expect(changes(previous, current)).toEqual(["ok reconciliation-read-changed: source erp-time now reads its records live"]);
    const paged = { ...previous, [PATH]: (current[PATH] as string).replace("read: { operation: listTime }", "read: { operation: listTime, pagination: { style: page, param: page } }") };
    expect(changes(current, paged)).toEqual(["ok reconciliation-read-changed: source erp-time reads its records another way"]);
    expect(changes(paged, previous)).toEqual(["ok reconciliation-read-changed: source erp-time no longer reads its records live"]);
  });
});
