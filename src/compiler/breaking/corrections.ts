/**
 * `spec breaking` over the corrections of a versioned route's deliver steps, compared by step
 * (its id, else its operation). A correction added is compatible: newer versions stop posting
 * beside the earlier ones. One removed leaves the target with postings nothing corrects any more;
 * one changed (another way, operation or mapping) sends the target another kind of request for
 * the records it already holds. The void event added, removed or changed changes which of the
 * source's events withdraw a record.
 */
import type { RouteSpec, Step } from "../../model/index.ts";
import type { PathSegment } from "../parse/document.ts";
import type { ChangeClass } from "./changes.ts";

type Emit = (cls: ChangeClass, message: string, path: readonly PathSegment[]) => void;

interface DeclaredCorrection {
  /** `reverse through erp.reverseJournal mapped by m`, or undefined for a step without one. */
  text: string | undefined;
  at: PathSegment[];
}

/** A correction as the messages say it. */
function correctionText(deliver: NonNullable<Step["deliver"]>): string | undefined {
  const correction = deliver.correction;
  if (correction === undefined) return undefined;
  const ways = (["reverse", "adjust", "update"] as const).filter((k) => correction[k] !== undefined);
  return ways.map((k) => `${k} through ${correction[k]?.operation}${correction[k]?.mapping === undefined ? "" : ` mapped by ${correction[k]?.mapping}`}`).join(" and ");
}

/** The deliver steps of a route (in branches too), by id (else operation), with their corrections. */
function corrections(steps: readonly Step[], at: PathSegment[], out = new Map<string, DeclaredCorrection>()): Map<string, DeclaredCorrection> {
  steps.forEach((step, i) => {
    const deliver = step.deliver;
    if (deliver !== undefined) {
      const name = step.id ?? deliver.operation;
      if (!out.has(name)) out.set(name, { text: correctionText(deliver), at: [...at, i, "deliver"] });
    }
    step.branch?.forEach((branch, b) => corrections(branch.steps, [...at, i, "branch", b, "steps"], out));
  });
  return out;
}

/** Emits the changes between two versions of a route's corrections and void event. */
export function compareCorrections(emit: Emit, previous: RouteSpec, current: RouteSpec): void {
  const before = corrections(previous.steps, ["spec", "steps"]);
  const after = corrections(current.steps, ["spec", "steps"]);
  for (const [name, now] of after) {
    const was = before.get(name);
    if (was === undefined || was.text === now.text) continue;
    if (was.text === undefined) emit("correction-added", `step ${name} now corrects a newer version's posting: ${now.text}`, [...now.at, "correction"]);
    else if (now.text === undefined) emit("correction-removed", `step ${name} no longer corrects what it posted (${was.text}): the postings it made stay as they are when their record changes`, now.at);
    else emit("correction-changed", `step ${name} now corrects by ${now.text} instead of ${was.text}: the target receives another request for the records it already holds`, [...now.at, "correction"]);
  }
  const [was, now] = [previous.versioning?.void?.event, current.versioning?.void?.event];
  if (was === now || previous.versioning === undefined || current.versioning === undefined) return;
  const at = ["spec", "versioning", now === undefined ? "" : "void"].filter((s) => s !== "");
  const message =
    was === undefined ? `the record is now voided by ${now}: the route is triggered by it too` : now === undefined ? `the record is no longer voided by ${was}: its voids reverse nothing` : `the record is now voided by ${now} instead of ${was}`;
  emit("void-event-changed", message, at);
}
