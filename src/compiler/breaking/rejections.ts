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
  release: string | undefined;
  at: PathSegment[];
}

/** A release as the messages say it. */
function releaseText(release: NonNullable<Step["reject"]>["release"]): string | undefined {
  return release === undefined ? undefined : `${release.entity} ${release.key} has ${release.field} '${release.equals}'`;
}

/** The reject steps of a route's steps (in branches too), by reason code, each with its path. */
function rejections(steps: readonly Step[], at: PathSegment[], out = new Map<string, DeclaredRejection>()): Map<string, DeclaredRejection> {
  steps.forEach((step, i) => {
    if (step.reject !== undefined && !out.has(step.reject.reason)) {
      out.set(step.reject.reason, { queue: step.reject.queue, owner: step.reject.owner, release: releaseText(step.reject.release), at: [...at, i, "reject"] });
    }
    step.branch?.forEach((branch, b) => rejections(branch.steps, [...at, i, "branch", b, "steps"], out));
  });
  return out;
}

/**
 * A release is stored with each rejection as it is filed: one changed or removed leaves those
 * already open waiting on the release they were filed with; one added releases only new ones.
 */
function compareRelease(emit: Emit, code: string, was: DeclaredRejection, now: DeclaredRejection): void {
  if (was.release === now.release) return;
  if (was.release === undefined) {
    emit("rejection-release-added", `rejections as ${code} are now released when ${now.release}: those already open wait for a person`, [...now.at, "release"]);
    return;
  }
  const what = now.release === undefined ? "are no longer released on their own" : `are now released when ${now.release}`;
  emit("rejection-release-changed", `rejections as ${code} ${what}: those already open are still released when ${was.release}`, now.release === undefined ? now.at : [...now.at, "release"]);
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
    if (now !== undefined) compareRelease(emit, code, was, now);
  }
  for (const [code, now] of after) {
    if (!before.has(code)) emit("rejection-added", `the route now rejects as ${code} into ${now.queue} (${now.owner})`, now.at);
  }
}
