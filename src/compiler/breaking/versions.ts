/** Semantic-version questions `spec breaking` asks. */

/** The major version of a semver string, or undefined when there is none. */
export function majorOf(version: string | undefined): number | undefined {
  const match = /^(0|[1-9]\d*)\./.exec(version ?? "");
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

/** True when `current` has a greater major version than `previous` (a document without one never does). */
export function isMajorBump(previous: string | undefined, current: string | undefined): boolean {
  const before = majorOf(previous);
  const after = majorOf(current);
  return after !== undefined && (before === undefined || after > before);
}
