/** How a gap reads in the queue, the report and the dashboard. */
import { describe, expect, it } from "vitest";
import type { GapSide } from "../../src/ops/reconcile/engine.ts";
import { gapVerdict, sidesText } from "../../src/ops/reconcile/gap-text.ts";
import { gapReason } from "../../src/ops/reconcile/store-sink.ts";

const side = (source: string, total: string, count: number, unmeasured?: number): GapSide => ({
  source,
  system: "psa",
  total,
  count,
  records: [],
  ...(unmeasured === undefined ? {} : { unmeasured }),
});

const gap = (difference: string, sides: GapSide[]) => ({ reconciliation: "billable-time-charges", group: { projectId: "P9" }, key: "projectId=P9@2026-03", difference, sides, queue: "billing-exceptions", owner: "billing-ops" });

describe("a gap in words", () => {
  it("says by how much the sources differ, each side with its total", () => {
    const differing = gap("150.00", [side("approved-billable-time", "300.00", 2), side("billing-charges", "150.00", 1)]);
    expect(gapReason(differing)).toBe("billable-time-charges: projectId=P9@2026-03 differs by 150.00 (approved-billable-time 300.00 vs billing-charges 150.00)");
    expect(sidesText(differing, true)).toBe("approved-billable-time 300.00 (2) vs billing-charges 150.00 (1)");
  });

  it("says records could not be measured where the totals agree only because they count nothing", () => {
    const unpriced = gap("0.00", [side("approved-billable-time", "0.00", 0, 3), side("billing-charges", "0.00", 0)]);
    expect(gapVerdict(unpriced)).toBe("has 3 record(s) that could not be measured");
    expect(gapReason(unpriced)).toBe("billable-time-charges: projectId=P9@2026-03 has 3 record(s) that could not be measured (approved-billable-time 0.00 (3 not measured) vs billing-charges 0.00)");
    expect(sidesText(unpriced, true)).toBe("approved-billable-time 0.00 (0, 3 not measured) vs billing-charges 0.00 (0)");
  });

  it("still gives the difference where records could not be measured and the totals differ too", () => {
    const both = gap("50.00", [side("approved-time", "0.00", 0, 1), side("journals", "50.00", 1)]);
    expect(gapVerdict(both)).toBe("differs by 50.00");
  });
});
