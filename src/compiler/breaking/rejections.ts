/**
 * `spec breaking` over reject steps, compared by reason code within a route. A new reason code is
 * compatible (a queue gets a new kind of item to work); a reason code no longer raised, or raised
 * into another queue, leaves the rejections already open where no step raises them or in the queue
 * the owning team no longer watches: the stored state the runtime keeps.
 */
import type { Step } from "../../model/index.ts";
import type { PathSegment } from "../parse/document.ts";
import type { ChangeClass } from "./changes.ts";

type Emit = (cls: ChangeClass, message: string, path: readonly PathSegment[]) => void;

interface DeclaredRejection {
  queue: string;
  owner: string;
  at: PathSegment[];
}

/** The reject steps of a route's steps (in branches too), by reason code, each with its path. */
function rejections(steps: readonly Step[], at: PathSegment[], out = new Map<string, DeclaredRejection>()): Map<string, DeclaredRejection> {
  steps.forEach((step, i) => {
    if (step.reject !== undefined && !out.has(step.reject.reason)) out.set(step.reject.reason, { queue: step.reject.queue, owner: step.reject.owner, at: [...at, i, "reject"] });
    step.branch?.forEach((branch, b) => rejections(branch.steps, [...at, i, "branch", b, "steps"], out));
  });
  return out;
}

/** Emits the changes between two versions of a route's reject steps. */
export function compareRejections(emit: Emit, previous: readonly Step[], current: readonly Step[]): void {
  const before = rejections(previous, ["spec", "steps"]);
  const after = rejections(current, ["spec", "steps"]);
  for (const [code, was] of before) {
    const now = after.get(code);
    if (now === undefined) emit("rejection-removed", `the route no longer rejects as ${code}: rejections already open in ${was.queue} are raised by no step`, ["spec", "steps"]);
    else if (now.queue !== was.queue || now.owner !== was.owner) {
      emit("rejection-queue-changed", `rejections as ${code} now go to ${now.queue} (${now.owner}), not ${was.queue} (${was.owner}): those already open stay in ${was.queue}`, [...now.at, "queue"]);
    }
  }
  for (const [code, now] of after) {
    if (!before.has(code)) emit("rejection-added", `the route now rejects as ${code} into ${now.queue} (${now.owner})`, now.at);
  }
}
