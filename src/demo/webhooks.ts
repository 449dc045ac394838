/**
 * Sends events to the runtime's intake as the systems would: one webhook each, with the HTTP basic
 * or bearer credentials the System's webhook declares and its HMAC-SHA256 signature of the raw body
 * where it declares one, with a bounded
 * number in flight, retrying while the intake answers 5xx or cannot be reached.
 */
import { createHmac } from "node:crypto";
import type { SystemDefinition, ValueRef } from "../runtime/pipeline.ts";

/** One webhook to send. */
export interface OutgoingWebhook {
  system: string;
  event: string;
  payload: unknown;
}

/** What the intake said, summed over a batch. */
export interface SendResult {
  sent: number;
  accepted: number;
  duplicates: number;
  conflicts: number;
  refused: number;
  /** Answers other than 202 that were not retried, with their bodies. */
  failed: { status: number; body: string }[];
}

/** Options of `sendWebhooks`. */
export interface SendOptions {
  intakeUrl: string;
  systems: Readonly<Record<string, SystemDefinition>>;
  secrets: Readonly<Record<string, string>>;
  /** The environment `{ env }` credentials are read from. */
  env?: Readonly<Record<string, string>>;
  concurrency?: number;
  /** Called after each webhook is answered. */
  onProgress?(done: number, total: number): void;
}

/** Sends webhooks in order with up to `concurrency` in flight. */
export async function sendWebhooks(webhooks: readonly OutgoingWebhook[], options: SendOptions): Promise<SendResult> {
  const result: SendResult = { sent: 0, accepted: 0, duplicates: 0, conflicts: 0, refused: 0, failed: [] };
  let next = 0;
  const sendOne = async (hook: OutgoingWebhook): Promise<void> => {
    const definition = options.systems[hook.system]?.events[hook.event];
    const path = definition?.webhook?.path;
    if (path === undefined) throw new Error(`${hook.system}.${hook.event} has no webhook`);
    const body = JSON.stringify(hook.payload);
    const headers: Record<string, string> = { "content-type": "application/json" };
    const authentication = definition?.webhook?.authentication;
    const secretOf = (ref: ValueRef) => ("secret" in ref ? (options.secrets[ref.secret] ?? "") : (options.env?.[ref.env] ?? ref.default ?? ""));
    if (authentication !== undefined && "basic" in authentication) {
      const { username, password } = authentication.basic;
      headers["authorization"] = `Basic ${Buffer.from(`${secretOf(username)}:${secretOf(password)}`).toString("base64")}`;
    } else if (authentication !== undefined && "bearer" in authentication) {
      headers["authorization"] = `Bearer ${secretOf(authentication.bearer.token)}`;
    }
    const signature = definition?.webhook?.signature;
    if (signature !== undefined) {
      const secret = "secret" in signature.secret ? (options.secrets[signature.secret.secret] ?? "") : "";
      headers[signature.header] = createHmac("sha256", secret).update(body).digest(signature.encoding);
    }
    for (let attempt = 0; ; attempt++) {
      let status = 0;
      let text = "";
      try {
        const response = await fetch(`${options.intakeUrl}${path}`, { method: "POST", headers, body });
        status = response.status;
        text = await response.text();
      } catch (error) {
        text = (error as Error).message;
      }
      if ((status === 0 || status >= 500) && attempt < 20) {
        await new Promise((resolve) => setTimeout(resolve, 50 * (attempt + 1)));
        continue;
      }
      result.sent++;
      if (status !== 202) {
        result.failed.push({ status, body: text });
        return;
      }
      const answer = JSON.parse(text) as { accepted: number; duplicates: number; conflicts: number; refused: unknown[] };
      result.accepted += answer.accepted;
      result.duplicates += answer.duplicates;
      result.conflicts += answer.conflicts;
      result.refused += answer.refused.length;
      return;
    }
  };
  const worker = async (): Promise<void> => {
    while (next < webhooks.length) {
      const hook = webhooks[next++] as OutgoingWebhook;
      await sendOne(hook);
      options.onProgress?.(result.sent, webhooks.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency ?? 16, webhooks.length) }, worker));
  return result;
}
