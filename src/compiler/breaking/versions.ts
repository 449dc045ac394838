/**
 * Semantic-version questions `spec breaking` asks. Semver gives no compatibility promise below
 * 1.0.0, and the convention npm and Cargo follow is that a minor bump of a 0.x version is the
 * breaking one (0.1.0 → 0.2.0), while a patch bump (0.1.0 → 0.1.1) is not.
 */

/** The major and minor numbers of a semver string, or undefined when it is not one. */
export function coreOf(version: string | undefined): { major: number; minor: number } | undefined {
  const match = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\./.exec(version ?? "");
  if (match?.[1] === undefined || match[2] === undefined) return undefined;
  return { major: Number(match[1]), minor: Number(match[2]) };
}

/** The major version of a semver string, or undefined when there is none. */
export function majorOf(version: string | undefined): number | undefined {
  return coreOf(version)?.major;
}

/**
 * True when going from `previous` to `current` is a bump that announces breaking changes: a
 * greater major version, or, while both are 0.x, a greater minor version. A document that had no
 * version may take any; one that loses its version never bumps.
 */
export function isBreakingBump(previous: string | undefined, current: string | undefined): boolean {
  const before = coreOf(previous);
  const after = coreOf(current);
  if (after === undefined) return false;
  if (before === undefined) return true;
  if (after.major !== before.major) return after.major > before.major;
  return after.major === 0 && after.minor > before.minor;
}

/** The smallest version that announces a breaking change after `previous`, for messages. */
export function nextBreakingVersion(previous: string | undefined): string | undefined {
  const before = coreOf(previous);
  if (before === undefined) return undefined;
  return before.major === 0 ? `0.${before.minor + 1}.0` : `${before.major + 1}.0.0`;
}
