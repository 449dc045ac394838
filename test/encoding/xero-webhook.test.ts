import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { receiveXeroWebhook, signXeroBody, XERO_SIGNATURE_HEADER } from "../../src/encoding/xero-webhook.ts";
import { sharedAvailable, sharedPath, shouldRun } from "../../src/testing/environment.ts";

const WEBHOOKS = ["real-world", "openapi", "xero", "xero-webhooks.yaml"] as const;
const KEY = "test-webhook-key-0123456789abcdefghijklmnopqrstuvwxyz+/==";

/** The example payloads Xero's webhook document publishes. */
function examplePayloads(): Record<string, unknown> {
  const doc = parse(readFileSync(sharedPath(...WEBHOOKS), "utf8")) as {
    webhooks: Record<string, { post: { requestBody: { content: Record<string, { examples?: Record<string, { value: unknown }> }> } } }>;
    components: { responses: Record<string, { content?: Record<string, { schema: { example?: unknown } }> }> };
  };
  const out: Record<string, unknown> = {};
  for (const [name, hook] of Object.entries(doc.webhooks)) {
    for (const [example, { value }] of Object.entries(hook.post.requestBody.content["application/json"]?.examples ?? {})) out[`${name}/${example}`] = value;
  }
  const ok = doc.components.responses["200WebhookDataReceivedOk"]?.content?.["application/json"]?.schema.example;
  if (ok !== undefined) out["200WebhookDataReceivedOk"] = ok;
  return out;
}

/** The body with one byte changed, in the middle of its text. */
function alterOneByte(body: string): Buffer {
  const bytes = Buffer.from(body, "utf8");
  const at = Math.floor(bytes.length / 2);
  bytes[at] = (bytes[at] ?? 0) ^ 0x01;
  return bytes;
}

const run = shouldRun("Xero's webhook document in ../shared", sharedAvailable(...WEBHOOKS));

describe.runIf(run)("Xero webhooks, as the webhook document describes them", () => {
  const examples = run ? examplePayloads() : {};

  it("finds the document's example payloads", () => {
    expect(Object.keys(examples).sort()).toEqual(["200WebhookDataReceivedOk", "creditNotes/creditNoteCreate"]);
  });

  it.each(Object.keys(examples))("accepts the %s example signed with the webhook key, and rejects it altered by one byte", (name) => {
    const body = JSON.stringify(examples[name]);
    const signature = signXeroBody(body, KEY);
    const delivered = receiveXeroWebhook({ headers: { [XERO_SIGNATURE_HEADER]: signature }, rawBody: Buffer.from(body) }, KEY);
    expect(delivered).toMatchObject({ status: 200, intentToReceive: false });
    expect(delivered.status === 200 && !delivered.intentToReceive && delivered.payload.events[0]?.eventCategory).toBe(name.startsWith("credit") ? "CREDITNOTE" : "CONTACT");
    expect(receiveXeroWebhook({ headers: { [XERO_SIGNATURE_HEADER]: signature }, rawBody: alterOneByte(body) }, KEY)).toEqual({
      status: 401,
      reason: "the x-xero-signature signature does not match the body",
    });
  });

  it("answers the intent-to-receive check: 200 when the signature is right, 401 when it is wrong or missing", () => {
    const body = '{"events":[],"firstEventSequence":0,"lastEventSequence":0,"entropy":"NIKDRPBOPEKEJYEXCMTO"}';
    expect(receiveXeroWebhook({ headers: { "X-Xero-Signature": signXeroBody(body, KEY) }, rawBody: body }, KEY)).toEqual({ status: 200, intentToReceive: true });
    expect(receiveXeroWebhook({ headers: { "x-xero-signature": signXeroBody(body, "another-key") }, rawBody: body }, KEY)).toMatchObject({ status: 401 });
    expect(receiveXeroWebhook({ headers: {}, rawBody: body }, KEY)).toEqual({ status: 401, reason: "the x-xero-signature header is missing" });
  });

  it("refuses a correctly signed body that is not a Xero delivery", () => {
    expect(receiveXeroWebhook({ headers: { "x-xero-signature": signXeroBody("[1,", KEY) }, rawBody: "[1," }, KEY)).toEqual({
      status: 400,
      reason: "the body is signed but is not JSON",
    });
    expect(receiveXeroWebhook({ headers: { "x-xero-signature": signXeroBody("{}", KEY) }, rawBody: "{}" }, KEY)).toEqual({
      status: 400,
      reason: "the body is signed but has no events list",
    });
  });
});
