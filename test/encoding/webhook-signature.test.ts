import { describe, expect, it } from "vitest";
import { createSignatureVerifier, hmacSha256 } from "../../src/encoding/webhook-signature.ts";

const body = '{"id":"evt_1","amount":"12.50"}';

describe("hmac-sha256 signatures", () => {
  const verifier = createSignatureVerifier({ scheme: "hmac-sha256", header: "X-Signature", encoding: "hex" }, "key");

  it("computes HMAC-SHA256 (RFC 4231 style vector)", () => {
    expect(hmacSha256("key", "The quick brown fox jumps over the lazy dog").toString("hex")).toBe(
      "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8",
    );
  });

  it("accepts a body signed with the key, whatever the header's case", () => {
    const headers = verifier.sign(body);
    expect(verifier.verify({ headers: { "x-signature": headers["X-Signature"] }, rawBody: body })).toEqual({ ok: true });
    expect(verifier.verify({ headers: { "X-SIGNATURE": `sha256=${headers["X-Signature"]}` }, rawBody: Buffer.from(body) })).toEqual({ ok: true });
  });

  it("rejects a body altered by one byte, a wrong key, and a missing or malformed header", () => {
    const headers = verifier.sign(body);
    expect(verifier.verify({ headers, rawBody: body.replace("12.50", "12.51") })).toEqual({
      ok: false,
      reason: "bad-signature",
      message: "the X-Signature signature does not match the body",
    });
    const other = createSignatureVerifier({ scheme: "hmac-sha256", header: "X-Signature", encoding: "hex" }, "other");
    expect(other.verify({ headers, rawBody: body })).toMatchObject({ ok: false, reason: "bad-signature" });
    expect(verifier.verify({ headers: {}, rawBody: body })).toMatchObject({ ok: false, reason: "missing-signature", message: "the X-Signature header is missing" });
    expect(verifier.verify({ headers: { "x-signature": "not hex!" }, rawBody: body })).toMatchObject({ ok: false, reason: "malformed-signature" });
  });

  it("accepts any of several signatures in the header (key rotation)", () => {
    const good = verifier.sign(body)["X-Signature"] ?? "";
    expect(verifier.verify({ headers: { "x-signature": `${"0".repeat(64)}, ${good}` }, rawBody: body })).toEqual({ ok: true });
  });
});

describe("hmac-sha256-timestamped signatures", () => {
  const now = 1_780_000_000_000;
  let clock = now;
  const verifier = createSignatureVerifier(
    { scheme: "hmac-sha256-timestamped", header: "x-sig", timestampHeader: "x-sig-time", encoding: "base64", toleranceMs: 300_000 },
    "whsec-test",
    () => clock,
  );

  it("signs the timestamp with the body and accepts it within the tolerance", () => {
    clock = now;
    const headers = verifier.sign(body);
    expect(headers["x-sig-time"]).toBe(String(now / 1000));
    expect(headers["x-sig"]).toBe(hmacSha256("whsec-test", `${now / 1000}.${body}`).toString("base64"));
    clock = now + 299_000;
    expect(verifier.verify({ headers, rawBody: body })).toEqual({ ok: true });
  });

  it("rejects a delivery older or newer than the tolerance", () => {
    clock = now;
    const headers = verifier.sign(body);
    clock = now + 301_000;
    expect(verifier.verify({ headers, rawBody: body })).toEqual({
      ok: false,
      reason: "stale-timestamp",
      message: "the signature was made 301s from now, over the 300s allowed",
    });
    clock = now - 301_000;
    expect(verifier.verify({ headers, rawBody: body })).toMatchObject({ ok: false, reason: "stale-timestamp" });
  });

  it("rejects a replay with a fresh timestamp but the old signature", () => {
    clock = now;
    const headers = verifier.sign(body);
    clock = now + 600_000;
    const replay = { ...headers, "x-sig-time": String(clock / 1000) };
    expect(verifier.verify({ headers: replay, rawBody: body })).toMatchObject({ ok: false, reason: "bad-signature" });
  });

  it("rejects a missing or malformed timestamp", () => {
    clock = now;
    const { "x-sig": signature } = verifier.sign(body);
    expect(verifier.verify({ headers: { "x-sig": signature }, rawBody: body })).toMatchObject({ ok: false, reason: "missing-timestamp" });
    expect(verifier.verify({ headers: { "x-sig": signature, "x-sig-time": "soon" }, rawBody: body })).toMatchObject({
      ok: false,
      reason: "malformed-timestamp",
    });
  });
});
