/**
 * Time-ordered ids (UUID version 7: 48 bits of Unix milliseconds, then random bits) for trace
 * ids. Ids made one after another sort together, so the audit log's index on them grows at its
 * end instead of at random places: cheaper to write, and a trace's rows stay near each other.
 */
import { randomFillSync } from "node:crypto";

const pool = Buffer.alloc(16 * 64);
let offset = pool.length;

/** A UUID version 7 for the time `now` (milliseconds since the epoch). */
export function timeOrderedId(now: number): string {
  if (offset + 10 > pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  const random = pool.toString("hex", offset, offset + 10);
  offset += 10;
  const time = Math.max(0, Math.floor(now)).toString(16).padStart(12, "0").slice(-12);
  const variant = ((Number.parseInt(random.charAt(3), 16) & 0x3) | 0x8).toString(16);
  return `${time.slice(0, 8)}-${time.slice(8)}-7${random.slice(0, 3)}-${variant}${random.slice(4, 7)}-${random.slice(7, 19)}`;
}
