/**
 * Xero's webhooks, as its webhook document describes them: each delivery carries
 * `x-xero-signature`, the base64 HMAC-SHA256 of the raw body keyed with the webhook key. Before
 * a subscription is enabled Xero checks the endpoint with "intent to receive" deliveries (an
 * empty `events` list), some correctly signed and some not: the endpoint must answer 200 to the
 * first and 401 to the others, with an empty body, every time.
 */
import { createSignatureVerifier, type SignatureScheme, type WebhookRequest } from "./webhook-signature.ts";

/** Xero's signature header. */
export const XERO_SIGNATURE_HEADER = "x-xero-signature";

/** Xero's scheme in the terms of a System's webhook signature. */
export const XERO_SIGNATURE: SignatureScheme = { scheme: "hmac-sha256", header: XERO_SIGNATURE_HEADER, encoding: "base64" };

/** One event of a Xero delivery (`WebhookEvent.events[]`). */
export interface XeroEvent {
  resourceUrl: string;
  resourceId: string;
  eventDateUtc: string;
  eventType: string;
  eventCategory: string;
  tenantId: string;
  tenantType: string;
  [more: string]: unknown;
}

/** A Xero delivery (`WebhookEvent`). */
export interface XeroWebhookPayload {
  events: XeroEvent[];
  firstEventSequence: number;
  lastEventSequence: number;
  entropy: string;
}

/** How to answer a delivery, and what it held. Answer with `status` and an empty body. */
export type XeroDelivery =
  | { status: 200; intentToReceive: true }
  | { status: 200; intentToReceive: false; payload: XeroWebhookPayload }
  | { status: 401; reason: string }
  | { status: 400; reason: string };

/** Signs a body as Xero does: for tests and for replaying recorded deliveries. */
export function signXeroBody(rawBody: Uint8Array | string, webhookKey: string): string {
  return createSignatureVerifier(XERO_SIGNATURE, webhookKey).sign(rawBody)[XERO_SIGNATURE_HEADER] as string;
}

/** Checks a delivery's signature and reads it: 401 when the signature is wrong, 200 otherwise. */
export function receiveXeroWebhook(request: WebhookRequest, webhookKey: string): XeroDelivery {
  const verdict = createSignatureVerifier(XERO_SIGNATURE, webhookKey).verify(request);
  if (!verdict.ok) return { status: 401, reason: verdict.message };
  let payload: unknown;
  try {
    payload = JSON.parse(typeof request.rawBody === "string" ? request.rawBody : Buffer.from(request.rawBody).toString("utf8"));
  } catch {
    return { status: 400, reason: "the body is signed but is not JSON" };
  }
  const events = (payload as { events?: unknown } | null)?.events;
  if (!Array.isArray(events)) return { status: 400, reason: "the body is signed but has no events list" };
  if (events.length === 0) return { status: 200, intentToReceive: true };
  return { status: 200, intentToReceive: false, payload: payload as XeroWebhookPayload };
}
