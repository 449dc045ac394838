/**
 * Versioned source records at run time: the identity and version of an event's record, and
 * whether the route has already posted that version (a duplicate) or a newer one (the event is
 * stale) to every system it delivers to. Such an event is skipped, with the reason audited.
 */
import type { PipelineDefinition } from "../pipeline/definitions.ts";
import { keyOf, valueAt } from "./incoming-event.ts";
import type { LookupCache } from "./step-run.ts";
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
 * Why the event is ignored, or undefined when it is to be posted: a version older than one
 * posted to any of `targets` is stale; the version every target already holds is a duplicate.
 */
export async function ignoredVersion(lookups: LookupCache, route: string, targets: readonly string[], revision: RecordRevision): Promise<string | undefined> {
  const postings = await Promise.all(targets.map((system) => lookups.posting(route, revision.identity, system)));
  const standings = postings.map((p) => versionStanding(revision.version, p?.version));
  const staleAt = standings.indexOf("stale");
  if (staleAt >= 0) {
    const newer = postings[staleAt]?.version;
    return `stale version ${JSON.stringify(revision.version)} of ${revision.identity}: version ${JSON.stringify(newer)} was already posted to ${targets[staleAt]}`;
  }
  if (targets.length > 0 && standings.every((s) => s === "duplicate")) {
    return `duplicate of version ${JSON.stringify(revision.version)} of ${revision.identity}, already posted to ${targets.join(", ")}`;
  }
  return undefined;
}
