/** Canonical JSON (keys sorted) and hashes over it: payload hashes and the audit chain. */
import { hash } from "node:crypto";

/** JSON with object keys sorted at every level, so equal values print equal. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const keys = Object.keys(value).sort();
  const parts = keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
  return `{${parts.join(",")}}`;
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
