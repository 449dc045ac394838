import { describe, expect, it } from "vitest";
import { authHeaders, valueResolver } from "../../src/runtime/delivery/auth.ts";
import type { SystemDefinition } from "../../src/runtime/pipeline.ts";
import { createRedactor, learningHeaders } from "../../src/runtime/redact.ts";

const system = (auth: SystemDefinition["auth"]): SystemDefinition =>
  ({ name: "erp", role: "erp", baseUrl: { env: "ERP_URL" }, auth, operations: {}, events: {} }) as unknown as SystemDefinition;

describe("createRedactor", () => {
  it("replaces a secret as it is, URL-encoded, JSON-escaped, HTML-escaped and in base64", () => {
    const secret = 'p&ss "w/rd" 42';
    const r = createRedactor([secret]);
    const b64 = Buffer.from(secret).toString("base64");
    const text = `raw ${secret} | url ${encodeURIComponent(secret)} | json ${JSON.stringify(secret)} | html p&amp;ss &quot;w/rd&quot; 42 | b64 ${b64}`;
    expect(r.text(text)).toBe('raw [redacted] | url [redacted] | json "[redacted]" | html [redacted] | b64 [redacted]');
  });

  it("replaces the longer of two secrets that overlap whole, and leaves values too short to tell apart", () => {
    const r = createRedactor(["abcd", "abcdefgh", "ab"]);
    expect(r.text("abcdefgh abcd ab")).toBe("[redacted] [redacted] ab");
    expect(r.size).toBe(2);
  });

  it("scrubs strings and keys of JSON, and the values of credential headers whatever they hold", () => {
    const r = createRedactor(["tok-123456"]);
    r.addHeaders({ "X-Tenant-Key": "k" }, ["X-Tenant-Key"]);
    expect(r.json({ message: "bad tok-123456", headers: { Authorization: "Basic Zm9v", "x-tenant-key": "k", accept: "json" }, list: ["tok-123456"] })).toEqual({
      message: "bad [redacted]",
      headers: { Authorization: "[redacted]", "x-tenant-key": "[redacted]", accept: "json" },
      list: ["[redacted]"],
    });
  });

  it("learns every credential a resolver resolves, except addresses read from the environment", () => {
    const r = createRedactor();
    const resolve = r.resolver(valueResolver({ ERP_URL: "http://erp.internal", SECRET_PSA_HOOK: "hook-secret-1", API_KEY: "key-from-env-9" }));
    resolve({ env: "ERP_URL" }, "erp.baseUrl");
    resolve({ secret: "psa/hook" }, "psa.events.x.webhook.signature.secret");
    resolve({ env: "API_KEY" }, "erp.auth.key");
    expect(r.text("http://erp.internal said hook-secret-1 and key-from-env-9")).toBe("http://erp.internal said [redacted] and [redacted]");
  });

  it("learns a Basic header's encoded credentials and an API key header as they are sent", async () => {
    const r = createRedactor();
    const resolve = r.resolver(valueResolver({ U: "svc-user", P: "pa55word!", K: "api-key-77x" }));
    const basic = learningHeaders(r, authHeaders(system({ type: "basic", username: { env: "U" }, password: { env: "P" } } as never), resolve, { now: () => 0 }), []);
    const key = learningHeaders(r, authHeaders(system({ type: "api-key", header: "X-Erp-Key", key: { env: "K" } } as never), resolve, { now: () => 0 }), ["X-Erp-Key"]);
    const encoded = Buffer.from("svc-user:pa55word!").toString("base64");
    expect(await basic()).toEqual({ authorization: `Basic ${encoded}` });
    await key();
    expect(r.text(`echo: Basic ${encoded}; ${encoded}`)).toBe("echo: [redacted]; [redacted]");
    expect(r.json({ "X-Erp-Key": "whatever" })).toEqual({ "X-Erp-Key": "[redacted]" });
  });

  it("learns each OAuth token as it is fetched", async () => {
    const r = createRedactor();
    let n = 0;
    const auth = authHeaders(
      system({ type: "oauth2-client-credentials", tokenUrl: { env: "T" }, clientId: { env: "C" }, clientSecret: { env: "S" } } as never),
      r.resolver(valueResolver({ T: "http://auth", C: "client-id-1", S: "client-secret-1" })),
      { now: () => n * 7_200_000, fetchToken: async () => ({ access_token: `access-token-${++n}`, expires_in: 3600 }) },
    );
    const headers = learningHeaders(r, auth, []);
    await headers();
    await headers();
    expect(r.text("access-token-1 access-token-2 client-secret-1 http://auth")).toBe("[redacted] [redacted] [redacted] http://auth");
  });
});
