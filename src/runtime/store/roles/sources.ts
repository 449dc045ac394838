/**
 * The sources role: what intake remembers of its sources: polling cursors, and the message ids a
 * sender's deliveries carried with the hash of their payloads.
 */

/** Polling cursors and message ids. */
export interface SourceStore {
  /** A polling source's durable cursor. */
  cursor(name: string): Promise<string | undefined>;
  setCursor(name: string, value: string): Promise<void>;
  /**
   * The payload hashes intake first took messages with, by the sender's message id (CloudEvents
   * `source` and `id`), for those of `ids` it has recorded under `scope` (the system event).
   */
  messageHashes(scope: string, ids: readonly string[]): Promise<{ id: string; hash: string }[]>;
  /** Records message ids with their payload hashes once they are durable; an id already recorded keeps its first hash. */
  recordMessages(scope: string, messages: readonly { id: string; hash: string }[], now: number): Promise<void>;
}
