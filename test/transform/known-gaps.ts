/**
 * Conformance cases the compiler is known to fail, by case id (`group/file` or `group/file#n`),
 * each with the reason. The conformance test asserts each still fails, so fixing one forces
 * its removal from this list. Empty: every case passes.
 */
export const knownGaps: ReadonlyMap<string, string> = new Map<string, string>([]);
