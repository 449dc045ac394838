/**
 * Versioned source records at run time: the identity and version of an event's record, and
 * whether the route has already posted that version (a duplicate) or a newer one (the event is
 * stale) to every system it delivers to. Such an event is skipped, with the reason audited.
 */
import type { PipelineDefinition } from "../pipeline/definitions.ts";
import { keyOf, valueAt } from "./incoming-event.ts";
import type { LookupCache } from "./step-run.ts";
import type { IgnoredVersion } from "./store/roles/inbox.ts";
import { type RecordVersion, versionStanding } from "./store/roles/postings.ts";

/** The identity and version of one event's record. */
export interface RecordRevision {
  identity: string;
  version: RecordVersion;
}

/** A version read from a payload: a finite number, or text that reads as an instant. */
function versionValue(value: unknown): RecordVersion | undefined {
  if (typeof value === "number" && Number.isFinite(value)) return value;
  if (typeof value === "string" && value !== "" && !Number.isNaN(Date.parse(value))) return value;
  return undefined;
}

/**
 * The record's identity and version, undefined for a route whose record is not versioned; a
 * record without them (or with a version that does not order) is a problem the caller raises.
 */
export function revisionOf(pipeline: PipelineDefinition, record: unknown): RecordRevision | { problem: string } | undefined {
  const versioning = pipeline.versioning;
  if (versioning === undefined) return undefined;
  const identity = keyOf(record, versioning.identity);
  if (identity === undefined) return { problem: `the record lacks its identity field(s) ${versioning.identity.join(", ")}` };
  const raw = valueAt(record, versioning.version);
  const version = versionValue(raw);
  if (version === undefined) return { problem: `the record's version (field ${versioning.version}) is ${JSON.stringify(raw) ?? "missing"}: a version must be a number or a date-time` };
  return { identity, version };
}

/**
 * Why the event is ignored, or undefined when it is to be posted. Only the targets the record
 * was posted to count (a step may never reach some): a version older than any of their postings
 * is stale; the version all of them hold is a duplicate.
 */
export async function ignoredVersion(lookups: LookupCache, route: string, targets: readonly string[], revision: RecordRevision): Promise<{ reason: string; ignored: IgnoredVersion } | undefined> {
  const found = await Promise.all(targets.map(async (system) => ({ system, posting: await lookups.posting(route, revision.identity, system) })));
  const posted = found.flatMap(({ system, posting }) => (posting === undefined ? [] : [{ system, version: posting.version }]));
  if (posted.length === 0) return undefined;
  const { identity, version } = revision;
  const stale = posted.find((p) => versionStanding(version, p.version) === "stale");
  if (stale !== undefined) {
    const reason = `stale version ${JSON.stringify(version)} of ${identity}: version ${JSON.stringify(stale.version)} was already posted to ${stale.system}`;
    return { reason, ignored: { standing: "stale", identity, version, posted: stale.version } };
  }
  if (!posted.every((p) => versionStanding(version, p.version) === "duplicate")) return undefined;
  const reason = `duplicate of version ${JSON.stringify(version)} of ${identity}, already posted to ${posted.map((p) => p.system).join(", ")}`;
  return { reason, ignored: { standing: "duplicate", identity, version, posted: version } };
}

/** The kinds of correction a deliver step declares. */
export type CorrectionKind = "reverse" | "adjust" | "update";

/**
 * The step of a correction's delivery: the deliver step's id and the correction's kind, after a
 * colon no step id can hold, so the outbox, the metrics and the audit tell corrections apart.
 */
export const correctionStep = (step: string, kind: CorrectionKind): string => `${step}:${kind}`;

/** The correction kind of a delivery's step, when it is a correction's. */
export function correctionKindOf(step: string): CorrectionKind | undefined {
  const colon = step.lastIndexOf(":");
  if (colon < 0) return undefined;
  const kind = step.slice(colon + 1);
  return kind === "reverse" || kind === "adjust" || kind === "update" ? kind : undefined;
}
