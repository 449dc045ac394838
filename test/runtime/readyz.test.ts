import { describe, expect, it } from "vitest";
import { type Readiness, startIntakeServer } from "../../src/runtime/intake/http-server.ts";

describe("the intake server's readiness", () => {
  it("answers /readyz 503 with the details while not ready and 200 once ready, while /healthz stays 200", async () => {
    let readiness: Readiness = { ready: false, store: { ready: false, reason: "Connection terminated unexpectedly", retries: 2 } };
    const server = await startIntakeServer(async () => ({ status: 404, body: {} }), { port: 0, ready: () => readiness });
    try {
      const notReady = await fetch(`${server.url}/readyz`);
      expect(notReady.status).toBe(503);
      expect(await notReady.json()).toEqual(readiness);
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
      readiness = { ready: true };
      const ready = await fetch(`${server.url}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toEqual({ ready: true });
    } finally {
      await server.close();
    }
  });

  it("is ready when it is given no readiness check", async () => {
    const server = await startIntakeServer(async () => ({ status: 404, body: {} }), { port: 0 });
    try {
      expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
    } finally {
      await server.close();
    }
  });
});
