/**
 * What stands posted, read while the earlier version's delivery settles: the posting and the
 * outbox are two reads, and the settlement may land between them. The posting is written in the
 * transaction that marks its delivery delivered, so a delivered delivery with no posting is read
 * again before it is called gone.
 */
import { describe, expect, it } from "vitest";
import type { RunStepOf } from "../../src/steps/run-kind.ts";
import { standingPosting } from "../../src/steps/deliver/correct.ts";
import type { Run, StepRunContext } from "../../src/runtime/step-run.ts";
import type { Posting, PostingDelivery } from "../../src/runtime/store/roles/postings.ts";

const step = { kind: "deliver", id: "post-cost", system: "erp", operation: "postJournal", correction: { kind: "reverse", system: "erp", operation: "reverseJournal" } } as unknown as RunStepOf<"deliver">;
const run = { revision: { identity: "T1", version: 2 } } as unknown as Run;
const posted: Posting = { route: "time", identity: "T1", system: "erp", version: 1, body: { hours: 8 }, targetId: "J-1", postedAt: 0 };

/** A context whose store answers the posting reads in turn from `postings`, and the outbox with `delivery`. */
function context(postings: (Posting | undefined)[], delivery: PostingDelivery | undefined) {
  const reads = { posting: 0, delivery: 0 };
  const cx = {
    pipeline: { route: "time" },
    process: {
      lookups: {
        posting: async () => postings[Math.min(reads.posting++, postings.length - 1)],
        postingDelivery: async () => {
          reads.delivery++;
          return delivery;
        },
      },
    },
  } as unknown as StepRunContext;
  return { cx, reads };
}

describe("what stands posted for a correction", () => {
  it("is the posting that settled between the posting read and the outbox read, not an exception", async () => {
    const { cx, reads } = context([undefined, posted], "delivered");
    await expect(standingPosting(step, { ...run }, cx)).resolves.toEqual(posted);
    expect(reads).toEqual({ posting: 2, delivery: 1 });
  });

  it("is nothing when the posting that settled meanwhile was taken back", async () => {
    const { cx } = context([undefined, { ...posted, withdrawn: "reversed" }], "delivered");
    await expect(standingPosting(step, { ...run }, cx)).resolves.toBeUndefined();
  });

  it("fails the step, sending nothing, when the outbox shows it delivered and the posting is gone on both reads", async () => {
    const { cx } = context([undefined, undefined], "delivered");
    const failing = { ...run };
    await expect(standingPosting(step, failing, cx)).rejects.toThrow("the record of what was posted there ($previous) is gone, though the outbox shows it delivered");
    expect(failing.failedCorrection).toEqual({ system: "erp", kind: "reverse" });
  });

  it("waits for an earlier version still being posted, and is nothing for a record never posted", async () => {
    await expect(standingPosting(step, { ...run }, context([undefined], "open").cx)).rejects.toThrow("is still being posted to erp; the correction waits for it");
    await expect(standingPosting(step, { ...run }, context([undefined], undefined).cx)).resolves.toBeUndefined();
  });
});
