/**
 * Webhook signatures: HMAC-SHA256 over the raw body (`hmac-sha256`, Xero's scheme), or over
 * `<timestamp>.<raw body>` with the timestamp in its own header and an age limit
 * (`hmac-sha256-timestamped`, for senders that guard against replays). Comparisons are
 * constant-time; the clock is injected so tests control the age check.
 */
import { createHmac, timingSafeEqual } from "node:crypto";

/** How a sender signs, as a System's `events.*.webhook.signature` declares it (the secret resolved). */
export interface SignatureScheme {
  scheme: "hmac-sha256" | "hmac-sha256-timestamped";
  header: string;
  encoding: "base64" | "hex";
  /** For `hmac-sha256-timestamped`: the header with the Unix time (seconds) the sender signed at. */
  timestampHeader?: string;
  /** For `hmac-sha256-timestamped`: how far the timestamp may be from now; 5 minutes by default. */
  toleranceMs?: number;
}

/** Request headers as Node gives them (names in any case; a repeated header as a list). */
export type Headers = Readonly<Record<string, string | readonly string[] | undefined>>;

/** What arrived: the headers and the body exactly as received (before any JSON parsing). */
export interface WebhookRequest {
  headers: Headers;
  rawBody: Uint8Array | string;
}

/** Why a delivery was refused. */
export type RejectReason = "missing-signature" | "malformed-signature" | "bad-signature" | "missing-timestamp" | "malformed-timestamp" | "stale-timestamp";

/** The verdict on one delivery. */
export type Verdict = { ok: true } | { ok: false; reason: RejectReason; message: string };

/** A verifier for one scheme and secret. */
export interface SignatureVerifier {
  verify(request: WebhookRequest): Verdict;
  /** The headers a sender would add: for tests and for simulating the vendor. */
  sign(rawBody: Uint8Array | string, timestampSeconds?: number): Record<string, string>;
}

/** The default age limit of a timestamped signature. */
export const DEFAULT_TOLERANCE_MS = 5 * 60_000;

/** The value of a header, matched without regard to case; the first of a repeated header. */
export function headerValue(headers: Headers, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== wanted || value === undefined) continue;
    return typeof value === "string" ? value : value[0];
  }
  return undefined;
}

function bytes(data: Uint8Array | string): Buffer {
  return typeof data === "string" ? Buffer.from(data, "utf8") : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

/** HMAC-SHA256 of `data` with `secret`. */
export function hmacSha256(secret: string | Uint8Array, ...data: (Uint8Array | string)[]): Buffer {
  const hmac = createHmac("sha256", typeof secret === "string" ? Buffer.from(secret, "utf8") : secret);
  for (const part of data) hmac.update(bytes(part));
  return hmac.digest();
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const HEX = /^[0-9a-fA-F]+$/;

function decodeSignature(text: string, encoding: "base64" | "hex"): Buffer | undefined {
  const value = text.trim().replace(/^sha256=/i, "");
  if (encoding === "hex") return HEX.test(value) && value.length % 2 === 0 ? Buffer.from(value, "hex") : undefined;
  return BASE64.test(value) ? Buffer.from(value, "base64") : undefined;
}

/** True when `provided` is `expected`, compared in constant time (lengths are not secret). */
export function digestsEqual(expected: Buffer, provided: Buffer): boolean {
  return expected.length === provided.length && timingSafeEqual(expected, provided);
}

const reject = (reason: RejectReason, message: string): Verdict => ({ ok: false, reason, message });

/** Creates a verifier. `clock` gives the current time in milliseconds. */
export function createSignatureVerifier(scheme: SignatureScheme, secret: string | Uint8Array, clock: () => number = Date.now): SignatureVerifier {
  const timestamped = scheme.scheme === "hmac-sha256-timestamped";
  const timestampHeader = scheme.timestampHeader ?? "x-timestamp";
  const tolerance = scheme.toleranceMs ?? DEFAULT_TOLERANCE_MS;
  const digest = (rawBody: Uint8Array | string, timestamp: string | undefined) =>
    timestamp === undefined ? hmacSha256(secret, rawBody) : hmacSha256(secret, `${timestamp}.`, rawBody);

  return {
    verify(request) {
      const header = headerValue(request.headers, scheme.header);
      if (header === undefined || header.trim() === "") return reject("missing-signature", `the ${scheme.header} header is missing`);
      let timestamp: string | undefined;
      if (timestamped) {
        timestamp = headerValue(request.headers, timestampHeader)?.trim();
        if (timestamp === undefined || timestamp === "") return reject("missing-timestamp", `the ${timestampHeader} header is missing`);
        if (!/^[0-9]{1,12}$/.test(timestamp)) return reject("malformed-timestamp", `the ${timestampHeader} header is not a Unix time in seconds`);
        const age = Math.abs(clock() - Number(timestamp) * 1000);
        if (age > tolerance) return reject("stale-timestamp", `the signature was made ${Math.round(age / 1000)}s from now, over the ${tolerance / 1000}s allowed`);
      }
      const expected = digest(request.rawBody, timestamp);
      const candidates = header.split(/[,\s]+/).filter((c) => c !== "");
      let wellFormed = false;
      for (const candidate of candidates) {
        const provided = decodeSignature(candidate, scheme.encoding);
        if (provided === undefined) continue;
        wellFormed = true;
        if (digestsEqual(expected, provided)) return { ok: true };
      }
      return wellFormed
        ? reject("bad-signature", `the ${scheme.header} signature does not match the body`)
        : reject("malformed-signature", `the ${scheme.header} header is not a ${scheme.encoding} digest`);
    },
    sign(rawBody, timestampSeconds) {
      const timestamp = timestamped ? String(timestampSeconds ?? Math.floor(clock() / 1000)) : undefined;
      const headers: Record<string, string> = { [scheme.header]: digest(rawBody, timestamp).toString(scheme.encoding) };
      if (timestamp !== undefined) headers[timestampHeader] = timestamp;
      return headers;
    },
  };
}
