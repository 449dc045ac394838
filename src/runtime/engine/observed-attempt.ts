/** One delivery attempt as the engine makes it: logged, counted and traced, its span sent to the target as `traceparent`. */
import { attemptDelivery } from "../delivery/deliver.ts";
import type { ClaimedDelivery, DeliverySettlement } from "../store/store.ts";
import type { EngineContext } from "./context.ts";

/** Attempts a leased delivery under its system's policies, through the observer. */
export function observedAttempt(cx: EngineContext, d: ClaimedDelivery): Promise<DeliverySettlement> {
  const breaker = cx.delivery.systems.get(d.system)?.breaker;
  return cx.observer.deliver(
    d,
    () => breaker?.state(cx.clock.now()) ?? "closed",
    (traceparent) => attemptDelivery(cx.delivery, d, { traceparent }),
  );
}
