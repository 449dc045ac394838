/** Cron schedules of reconciliations and scheduled routes: each must parse and run at least once. */
import { parseSchedule } from "../../pipeline/schedule.ts";
import { diagnostic } from "../diagnostics/diagnostic.ts";
import type { PathSegment } from "../parse/document.ts";
import type { CheckContext } from "./report.ts";
import type { BoundDocument } from "./spec-set.ts";

/** Reports `invalid-schedule` at `path` when `expression` is not a cron schedule that ever runs. */
export function checkSchedule(cx: CheckContext, doc: BoundDocument, path: readonly PathSegment[], expression: string | undefined): void {
  if (expression === undefined) return;
  const schedule = parseSchedule(expression);
  if (typeof schedule === "string") cx.report(diagnostic("invalid-schedule", { detail: schedule }, doc.source.locate(path)));
}
