import { beforeAll, describe, expect, it } from "vitest";
import { compileSpecs } from "../../src/compiler/emit/compile.ts";
import { diffOutput } from "../../src/compiler/emit/write.ts";
import { lowerSpecSet } from "../../src/compiler/lower/lower.ts";
import { generatedStaleness } from "../../src/cli/load-compiled.ts";
import { compileInMemory } from "../../src/testing/compile-in-memory.ts";
import type { PipelineStep } from "../../src/runtime/pipeline.ts";
import { projectRoot } from "../../src/testing/environment.ts";
import { specSet } from "../../generated/index.ts";

/** Data only: functions replaced by a marker, so emitted and run-time definitions compare. */
function data(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value, (_key, v) => (typeof v === "function" ? "[function]" : v)));
}

describe("generated/ for the example spec set", () => {
  let result: Awaited<ReturnType<typeof compileSpecs>>;
  beforeAll(async () => {
    result = await compileSpecs(projectRoot, []);
  });

  it("is what spec compile produces now (spec compile --check passes)", () => {
    expect(result.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(diffOutput(result.program.config.out, result.files ?? [])).toEqual({ missing: [], stale: [], extra: [] });
  });

  it("is current against specs/ by its manifest, so spec run executes it", () => {
    expect(generatedStaleness(result.program, lowerSpecSet(result.program.set, projectRoot))).toEqual({ stale: [], missing: [] });
  });

  it("holds the systems, pipelines, transforms and validators specs/ lowers to", () => {
    expect(data(specSet)).toEqual(data(compileInMemory(result.program)));
  });

  it("carries each deliver step's path parameters as compiled transforms over the record and its lookups", async () => {
    const steps = (route: string) => {
      const all: PipelineStep[] = [];
      const visit = (list: readonly PipelineStep[]) => {
        for (const step of list) {
          all.push(step);
          if (step.kind === "branch") for (const branch of step.branches) visit(branch.steps);
        }
      };
      visit(specSet.pipelines.find((p) => p.route === route)?.steps ?? []);
      return all;
    };
    const params = (route: string, id: string) => {
      const step = steps(route).find((s) => s.id === id);
      return step?.kind === "deliver" ? (step.params ?? {}) : {};
    };
    const option = params("opportunity-to-project", "erp-dimension");
    expect(Object.keys(option)).toEqual(["TrackingCategoryID"]);
    expect(await option["TrackingCategoryID"]?.evaluate({ projectId: "p-1" }, { legalEntity: { projectTrackingCategoryId: "tc-9" } })).toBe("tc-9");
    const charge = params("time-to-revenue", "queue-charge");
    expect(await charge["subscription-id"]?.evaluate({ projectId: "p-1" }, {})).toBe("p-1");
    expect(Object.keys(params("payment-status", "project-financials"))).toEqual(["projectId", "invoiceId", "paymentId"]);
  });

  it("runs every mapping's example tests through the generated transforms", async () => {
    let ran = 0;
    for (const mapping of result.program.set.mappings.values()) {
      for (const test of mapping.value.spec.tests ?? []) {
        const transform = specSet.transforms[mapping.name];
        // A correction's mapping reads what was posted before as `$previous`, as spec test binds it.
        const bound = { ...(test.lookups ?? {}), ...(test.previous !== undefined ? { previous: test.previous } : {}) } as Record<string, unknown>;
        const actual = JSON.parse(JSON.stringify((await transform?.evaluate(test.input, bound)) ?? null));
        expect(actual, `${mapping.name}: ${test.name}`).toEqual(JSON.parse(JSON.stringify(test.expect)));
        ran++;
      }
    }
    expect(ran).toBeGreaterThan(0);
  });
});
