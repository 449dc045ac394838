/**
 * The store's exception queue as the reconciler's sink: each gap is an exception tied to no event,
 * in the Reconciliation spec's `onMismatch` queue for its owning team, listed by `spec exceptions`
 * and on the dashboard with every other exception. The store keeps one exception per gap until the
 * gap closes, so a reconciler that starts again (or a second one on a shared database) never opens
 * a gap twice; when the sides agree again the exception is closed in the store, audited.
 */
import type { Issue, Store } from "../../runtime/store/store.ts";
import type { Gap } from "./engine.ts";
import { gapVerdict, sidesText } from "./gap-text.ts";
import type { ExceptionSink, GapException } from "./reconciler.ts";

/** Options of `storeExceptionSink`. */
export interface StoreSinkOptions {
  /** Records kept per side in the exception's payload; 5 unless set (the latest run has them all). */
  recordLimit?: number;
  /** Who opens and closes the exceptions, for the audit log; `reconciler` unless set. */
  actor?: string;
}

/** The sentence people read in the queue: which group differs, by how much, side by side. */
export function gapReason(gap: Gap): string {
  return `${gap.reconciliation}: ${gap.key} ${gapVerdict(gap)} (${sidesText(gap)})`;
}

/** The exception's payload: the gap's differing values, each side with its first records. */
export function gapPayload(gap: Gap, recordLimit = 5): Gap {
  return { ...gap, sides: gap.sides.map((side) => ({ ...side, records: side.records.slice(0, recordLimit) })) };
}

/** The gap a stored exception stands for, as the reconciler keeps it. */
function gapOf(issue: Issue & { gap: NonNullable<Issue["gap"]> }): Gap {
  const stored = (typeof issue.payload === "object" && issue.payload !== null ? issue.payload : {}) as Partial<Gap>;
  return {
    group: {},
    difference: "",
    sides: [],
    ...stored,
    reconciliation: issue.gap.reconciliation,
    key: issue.gap.key,
    queue: issue.queue,
    owner: issue.owner,
  };
}

/** A sink that files gaps in the store's exception queues. */
export function storeExceptionSink(store: Store, options: StoreSinkOptions = {}): ExceptionSink {
  const actor = options.actor === undefined ? {} : { actor: options.actor };
  return {
    async open(gap, now) {
      const { issue } = await store.openGap({
        reconciliation: gap.reconciliation,
        key: gap.key,
        queue: gap.queue,
        owner: gap.owner,
        reason: gapReason(gap),
        payload: gapPayload(gap, options.recordLimit),
        now,
        ...actor,
      });
      return issue.id;
    },
    async close(gap, now) {
      await store.closeGap({ reconciliation: gap.reconciliation, key: gap.key, now, ...actor });
    },
    async current() {
      const issues = await store.currentGaps();
      return issues.flatMap((issue): GapException[] => (issue.gap === null ? [] : [{ id: issue.id, gap: gapOf({ ...issue, gap: issue.gap }), openedAt: issue.createdAt }]));
    },
  };
}
