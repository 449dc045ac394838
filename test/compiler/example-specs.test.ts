import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadProgram } from "../../src/compiler/program.ts";
import { KIND_NAMES } from "../../src/model/index.ts";
import { projectRoot } from "../../src/testing/environment.ts";

describe("the example spec set", () => {
  const program = loadProgram({ cwd: projectRoot, paths: [join(projectRoot, "specs")] });

  it("validates with no diagnostic at all", () => {
    expect(program.diagnostics.map((d) => `${d.location?.file.path}: ${d.code}: ${d.message}`)).toEqual([]);
    expect(program.ok).toBe(true);
  });

  it("declares every kind, and the psa, erp and billing systems", () => {
    const kinds = new Set(program.set.documents.map((d) => d.kind));
    for (const kind of KIND_NAMES) expect(kinds, kind).toContain(kind);
    expect([...program.set.systems.keys()].sort()).toEqual(["billing", "erp", "psa"]);
  });

  it("declares every canonical entity of a professional services firm, each with an owner", () => {
    const entities = [
      "Client",
      "LegalEntity",
      "Contract",
      "Project",
      "Resource",
      "RateCard",
      "TimeEntry",
      "Expense",
      "Milestone",
      "BillingSchedule",
      "Invoice",
      "Payment",
      "RevenueEvent",
    ];
    for (const entity of entities) {
      expect(program.set.entities.has(entity), entity).toBe(true);
      expect(program.set.ownershipOf.has(entity), `ownership of ${entity}`).toBe(true);
    }
  });
});
