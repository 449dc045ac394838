/**
 * `spec breaking`'s judgement: which changes break the consumers the policy's level protects,
 * and whether the changed document's version says so. A breaking change needs a breaking version
 * bump of its document (a new major version, or a new minor version while it is 0.x); removing a document needs it to have been marked deprecated first.
 */
import type { SpecSet } from "../check/spec-set.ts";
import type { BreakingLevel } from "../lint/policy.ts";
import { type Change, LEVEL_CONSUMERS } from "./changes.ts";
import { compareSets } from "./compare.ts";
import { isBreakingBump } from "./versions.ts";

/** A change as judged. */
export interface JudgedChange extends Change {
  /** True when it breaks a consumer the level protects. */
  breaking: boolean;
  /** True when it is breaking and the document's version does not allow it. */
  violation: boolean;
}

/** The outcome of a comparison. */
export interface BreakingReport {
  level: BreakingLevel;
  changes: JudgedChange[];
  violations: number;
}

/** Compares two sets and judges each change at `level`. */
export function judgeChanges(previous: SpecSet, current: SpecSet, level: BreakingLevel): BreakingReport {
  const protectedConsumers = LEVEL_CONSUMERS[level];
  const deprecated = new Set(previous.documents.filter((d) => d.value.metadata.deprecated === true).map((d) => `${d.kind}/${d.name}`));
  const changes = compareSets(previous, current).map((change) => {
    const breaking = change.breaks.some((c) => protectedConsumers.includes(c));
    const removed = change.currentVersion === undefined && !current.documents.some((d) => d.kind === change.kind && d.name === change.name);
    const allowed = removed ? deprecated.has(`${change.kind}/${change.name}`) : isBreakingBump(change.previousVersion, change.currentVersion);
    return { ...change, breaking, violation: breaking && !allowed };
  });
  return { level, changes, violations: changes.filter((c) => c.violation).length };
}
