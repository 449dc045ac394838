/** Canonical JSON (keys sorted) and hashes over it: payload hashes and the audit chain. */
import { hash } from "node:crypto";

/** JSON with object keys sorted at every level, so equal values print equal. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const keys = sortedKeys(value as Record<string, unknown>);
  let out = "{";
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i] as string;
    out += `${i === 0 ? "" : ","}${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`;
  }
  return `${out}}`;
}

/**
 * An object's keys in code-unit order, as `Array.prototype.sort` orders strings. Records have a
 * handful of keys: an insertion sort of those allocates nothing beyond the list, where the
 * built-in sort allocates working storage on every call (every payload hashed at intake).
 */
function sortedKeys(record: Record<string, unknown>): string[] {
  const keys = Object.keys(record);
  if (keys.length > 16) return keys.sort();
  for (let i = 1; i < keys.length; i++) {
    const key = keys[i] as string;
    let j = i - 1;
    while (j >= 0 && (keys[j] as string) > key) {
      keys[j + 1] = keys[j] as string;
      j -= 1;
    }
    keys[j + 1] = key;
  }
  return keys;
}

/** Hex SHA-256 of a string. */
export function sha256(text: string): string {
  return hash("sha256", text, "hex");
}

/** The hash of one audit row, chained to the previous row's hash. */
export function auditHash(prevHash: string, row: { seq: number; at: number; actor: string; action: string; subject: string; traceId: string | null; detail: string }): string {
  return sha256(`${prevHash}\n${row.seq}\n${row.at}\n${row.actor}\n${row.action}\n${row.subject}\n${row.traceId ?? ""}\n${row.detail}`);
}

/** The hash the chain starts from. */
export const GENESIS_HASH = "0".repeat(64);
