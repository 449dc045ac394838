/**
 * Real `spec run` processes for the crash tests: started with `node bin/spec.mjs run`, killed with
 * SIGKILL and restarted, fed by a sender that retries each webhook until a worker answers 202 (as
 * real webhook senders do), against fake targets served over HTTP by the test process.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createHmac } from "node:crypto";
import { join } from "node:path";
import { projectRoot } from "../../src/testing/environment.ts";

/** A started worker process. */
export interface WorkerProcess {
  url: string;
  child: ChildProcess;
  /** Standard output and standard error, as they arrived. */
  output(): string;
  /** Standard output alone: the human lines, without the JSON log on standard error. */
  stdout(): string;
  exited: Promise<number | null>;
}

/** Starts `spec run` in `cwd` (its specs compiled in memory: a temporary folder has no generated modules) and resolves once it listens. */
export function startWorker(cwd: string, args: readonly string[], env: Record<string, string>): Promise<WorkerProcess> {
  const child = spawn(process.execPath, [join(projectRoot, "bin", "spec.mjs"), "run", "--compile", "--port", "0", ...args], {
    cwd,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  let stdout = "";
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`spec run did not start:\n${output}`)), 180_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/[0-9.:]+)/.exec(output);
      if (match?.[1] !== undefined) {
        clearTimeout(timer);
        resolve({ url: match[1], child, output: () => output, stdout: () => stdout, exited });
      }
    };
    child.stdout?.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`spec run exited with ${code} before listening:\n${output}`));
    });
  });
}

/** Signs a body the way the fixture's PSA does (hmac-sha256, base64, secret `psa-secret`). */
export function signedHeaders(body: string): Record<string, string> {
  return { "content-type": "application/json", "x-psa-signature": createHmac("sha256", "psa-secret").update(body).digest("base64") };
}

/** Headers of the fixture PSA's timestamped time webhook (hmac-sha256 of `<stamp>.<body>`, hex). */
export function timeHeaders(body: string): Record<string, string> {
  const stamp = String(Math.floor(Date.now() / 1000));
  const signature = createHmac("sha256", "psa-secret").update(`${stamp}.${body}`).digest("hex");
  return { "content-type": "application/json", "x-psa-timestamp": stamp, "x-psa-signature": signature };
}

/** Posts until some worker answers 202; `workers()` gives the ones alive now. */
export async function deliverUntilAccepted(path: string, payload: unknown, workers: () => readonly WorkerProcess[], headers: (body: string) => Record<string, string>): Promise<number> {
  const body = JSON.stringify(payload);
  for (let attempt = 1; ; attempt++) {
    const alive = workers();
    const target = alive[attempt % Math.max(1, alive.length)];
    if (target !== undefined) {
      try {
        const response = await fetch(`${target.url}${path}`, { method: "POST", body, headers: headers(body), signal: AbortSignal.timeout(5000) });
        await response.text();
        if (response.status === 202) return attempt;
      } catch {
        // The worker died mid-request; the sender tries again, like a webhook provider.
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
