import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, statSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeFixture } from "./fixture.ts";
import { projectRoot } from "../../src/testing/environment.ts";
import { startWorker } from "./workers.ts";

async function until<T>(find: () => T | undefined, ms: number): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("spec run --dashboard", () => {
  it("serves the dashboard behind the token beside the intake, and stops with the process", async () => {
    const dir = mkdtempSync(join(tmpdir(), "syncspec-run-dash-"));
    const root = writeFixture({ "syncspec.run.yaml": `store: "sqlite:${join(dir, "store.db")}"\n` });
    const worker = await startWorker(root, ["--dashboard", "0"], {
      SYNCSPEC_DASHBOARD_TOKEN: "operator-token",
      ERP_BASE_URL: "http://127.0.0.1:9",
      BILLING_BASE_URL: "http://127.0.0.1:9",
    });
    const url = await until(() => /dashboard at (http:\/\/[0-9.:]+\/?)/.exec(worker.output())?.[1], 30_000);
    expect((await fetch(url)).status).toBe(401);
    expect((await fetch(url, { headers: { authorization: "Bearer wrong" } })).status).toBe(401);
    const page = await fetch(url, { headers: { authorization: "Bearer operator-token" } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("erp");
    expect(html).toContain("billing");
    worker.child.kill("SIGTERM");
    expect(await worker.exited).toBe(0);
  }, 120_000);

  it("binds the dashboard's own host, prints no token, and leaves a fresh one in a file only its owner reads", async () => {
    const dir = mkdtempSync(join(tmpdir(), "syncspec-run-dash-"));
    const root = writeFixture({
      "syncspec.run.yaml": `store: "sqlite:${join(dir, "store.db")}"\nlisten: { host: 127.0.0.1 }\ndashboard: { host: 127.0.0.2, user: ops-ana }\n`,
    });
    const worker = await startWorker(root, ["--dashboard", "0"], { SYNCSPEC_DASHBOARD_TOKEN: "", ERP_BASE_URL: "http://127.0.0.1:9", BILLING_BASE_URL: "http://127.0.0.1:9" });
    const line = await until(() => /dashboard at (http:\/\/[0-9.:]+) \(its token is in (\S+), readable only by you\)/.exec(worker.output()) ?? undefined, 30_000);
    const [, url, file] = line as unknown as [string, string, string];
    expect(worker.url).toMatch(/^http:\/\/127\.0\.0\.1:/);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.2:\d+$/);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const token = readFileSync(file, "utf8").trim();
    expect(token.length).toBeGreaterThanOrEqual(20);
    expect(worker.output()).not.toContain(token);
    expect(worker.output()).not.toContain("?token=");
    expect((await fetch(`${url}/api/snapshot`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    worker.child.kill("SIGTERM");
    expect(await worker.exited).toBe(0);
  }, 120_000);

  it("exits 2 naming the address when the dashboard's port is taken, rather than serving webhooks without it", async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
    const busy = (taken.address() as { port: number }).port;
    const dir = mkdtempSync(join(tmpdir(), "syncspec-run-dash-"));
    const root = writeFixture({ "syncspec.run.yaml": `store: "sqlite:${join(dir, "store.db")}"\n` });
    const child = spawn(process.execPath, [join(projectRoot, "bin", "spec.mjs"), "run", "--compile", "--port", "0", "--dashboard", String(busy)], {
      cwd: root,
      env: { ...process.env, ERP_BASE_URL: "http://127.0.0.1:9", BILLING_BASE_URL: "http://127.0.0.1:9" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    const code = await new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => {
        child.kill("SIGKILL");
        resolve(null);
      }, 60_000);
      child.on("exit", (exit) => {
        clearTimeout(timer);
        resolve(exit);
      });
    });
    taken.close();
    expect(output).toContain(`spec run: the dashboard cannot listen on 127.0.0.1:${busy}: the port is in use`);
    expect(output).not.toContain("listening on");
    expect(code).toBe(2);
  }, 120_000);
});
