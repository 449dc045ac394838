/**
 * Whether this runtime can execute a compiled spec set: generated code carries the version of
 * the compiler that wrote it, and a runtime older than that compiler may lack what the code
 * relies on, so it refuses at start rather than failing on the first event.
 */
import { compareVersions, PACKAGE_VERSION } from "../package-version.ts";
import { ConfigurationError } from "./errors.ts";

/** The version of this runtime. */
export const RUNTIME_VERSION: string = PACKAGE_VERSION;

/**
 * Throws a `ConfigurationError` naming both versions when `compilerVersion` is newer than
 * `runtimeVersion`; a set without a version (lowered in memory) is always accepted.
 */
export function assertCompiledBy(compilerVersion: string | undefined, runtimeVersion: string = RUNTIME_VERSION): void {
  if (compilerVersion === undefined || compareVersions(compilerVersion, runtimeVersion) <= 0) return;
  throw new ConfigurationError(
    `the generated code was compiled by syncspec ${compilerVersion}, newer than the installed runtime (syncspec ${runtimeVersion}): ` +
      `install syncspec@${compilerVersion} or later in this service, or compile with @syncspec/cli ${runtimeVersion}`,
  );
}
