/** The deliveries side of the engine: leased deliveries attempted under their systems' policies, and settled. */
import { observedAttempt } from "./observed-attempt.ts";
import { scrubOutcome } from "../redact.ts";
import type { ClaimedDelivery, DeliverySettlement } from "../store/store.ts";
import type { EngineContext } from "./context.ts";

/** Works and settles batches of leased deliveries. */
export interface DeliveryWork {
  work(deliveries: readonly ClaimedDelivery[]): Promise<DeliverySettlement[]>;
  settle(settlements: readonly DeliverySettlement[], deliveries: readonly ClaimedDelivery[]): Promise<void>;
}

/** The deliveries side over the engine's parts. */
export function deliveryWork(cx: EngineContext): DeliveryWork {
  return {
    work: (deliveries) => Promise.all(deliveries.map((d) => observedAttempt(cx, d))),
    async settle(settlements, deliveries) {
      cx.keeper.release(deliveries);
      for (const s of settlements) scrubOutcome(cx.redactor, s);
      const held = await cx.store.settleDeliveries(settlements);
      cx.keeper.settled("delivery", settlements.map((s) => s.deliveryId), held);
      cx.counts.deliveriesSettled += held.filter(Boolean).length;
      for (const [i, s] of settlements.entries()) if (s.outcome === "retry" && held[i] === true) cx.wake.deliveriesAt(s.availableAt);
      // A delivery may have recorded a cross-reference that wakes waiting events.
      cx.wake.events();
    },
  };
}
