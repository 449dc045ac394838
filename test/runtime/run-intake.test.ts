import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeFixture } from "./fixture.ts";
import { startWorker } from "./workers.ts";

describe("spec run intake", () => {
  it("logs each refused webhook as one JSON line on standard error and answers /healthz while the store writes", async () => {
    const dir = mkdtempSync(join(tmpdir(), "syncspec-run-intake-"));
    const root = writeFixture({ "syncspec.run.yaml": `store: "sqlite:${join(dir, "store.db")}"\nlisten: { requestTimeoutMs: 2000 }\n` });
    const worker = await startWorker(root, [], { ERP_BASE_URL: "http://127.0.0.1:9", BILLING_BASE_URL: "http://127.0.0.1:9" });
    try {
      const forged = await fetch(`${worker.url}/webhooks/psa/projects`, { method: "POST", body: '{"projectId":"p1","name":"x"}', headers: { "content-type": "application/json" } });
      expect(forged.status).toBe(401);
      const health = await fetch(`${worker.url}/healthz`);
      expect([health.status, await health.json()]).toEqual([200, { ok: true }]);
      // The line is written before the answer is sent; reading the child's pipe may still lag behind it.
      const find = () => worker.output().split("\n").find((l) => l.startsWith("{") && l.includes('"outcome":"bad-signature"'));
      for (let waited = 0; find() === undefined && waited < 5_000; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
      const line = find();
      expect(JSON.parse(line ?? "{}")).toMatchObject({
        component: "intake",
        level: "warn",
        msg: "webhook refused",
        outcome: "bad-signature",
        status: 401,
        reason: "the x-psa-signature header is missing",
        path: "/webhooks/psa/projects",
        system: "psa",
        event: "projectActivated",
      });
    } finally {
      worker.child.kill("SIGTERM");
      expect(await worker.exited).toBe(0);
    }
  }, 120_000);
});
