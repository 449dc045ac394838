/**
 * Fingerprints of findings: the rule, the document (`Kind/name`) and the path inside it, never
 * line numbers, so a finding keeps its fingerprint when lines above it move.
 */
import { createHash } from "node:crypto";
import { formatPath, type PathSegment } from "../parse/document.ts";

/** The fingerprint of a finding; `occurrence` tells apart findings at the same place. */
export function fingerprintOf(rule: string, target: string, path: readonly PathSegment[], occurrence = 0): string {
  const hash = createHash("sha256").update(`${rule}\u0000${target}\u0000${formatPath(path)}`).digest("hex").slice(0, 16);
  return occurrence === 0 ? hash : `${hash}:${occurrence}`;
}
