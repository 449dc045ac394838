/**
 * Intake's health: whether the store can take a write. `/healthz` asks this, so a load balancer
 * stops sending webhooks to a worker whose disk is full instead of having each one answered 503.
 */
import type { Store } from "../store/store.ts";

/** How long one probe's answer is reused, so a burst of health checks makes one write. */
const PROBE_REUSE_MS = 1_000;

/** A health check that writes a probe row; resolves to the reason the store cannot write, or undefined. */
export function storeWriteHealth(store: Pick<Store, "setCursor">, now: () => number): () => Promise<string | undefined> {
  let last: { at: number; answer: Promise<string | undefined> } | undefined;
  return () => {
    const at = now();
    if (last !== undefined && at - last.at < PROBE_REUSE_MS) return last.answer;
    const answer = store.setCursor("syncspec:healthz", String(at)).then(
      () => undefined,
      (error: unknown) => `the store cannot write: ${(error as Error).message}`,
    );
    last = { at, answer };
    return answer;
  };
}
