/**
 * Where the test suite finds what lives outside the project (../shared, PostgreSQL) and what it
 * does when something is missing: on a user's machine the test skips and says why; under CI
 * (`SYNCSPEC_REQUIRE_ALL=1`, set by .ci/run) a missing dependency is a failure, never a skip.
 */
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root: the folder holding package.json above src/testing. */
export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** `../shared` beside the project, or the folder named by SYNCSPEC_SHARED. */
export const sharedRoot = process.env["SYNCSPEC_SHARED"] ?? resolve(projectRoot, "..", "shared");

/** True when CI asked that every skip be a failure. */
export const requireAll = process.env["SYNCSPEC_REQUIRE_ALL"] === "1";

/** The result of asking for an outside dependency: either available, or the reason it is not. */
export type Availability = { available: true } | { available: false; reason: string };

/** Whether a path under ../shared exists. */
export function sharedAvailable(...path: string[]): Availability {
  const full = join(sharedRoot, ...path);
  return existsSync(full) ? { available: true } : { available: false, reason: `${full} does not exist` };
}

/**
 * Decides whether a suite that needs `what` runs. Returns true to run. When the dependency is
 * missing it prints the reason and returns false (skip), or throws under SYNCSPEC_REQUIRE_ALL.
 */
export function shouldRun(what: string, availability: Availability): boolean {
  if (availability.available) return true;
  const message = `skipping tests that need ${what}: ${availability.reason}`;
  if (requireAll) throw new Error(`${message} (SYNCSPEC_REQUIRE_ALL=1 forbids skipping)`);
  process.stderr.write(`${message}\n`);
  return false;
}

/** Reads a file under ../shared as text; callers check availability first. */
export function sharedPath(...path: string[]): string {
  return join(sharedRoot, ...path);
}
