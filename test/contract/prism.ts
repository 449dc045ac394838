/**
 * Prism (`@stoplight/prism-cli`) as a child process: a mock server over a vendor's OpenAPI
 * document on 127.0.0.1, with request validation errors turned into failures (`--errors`).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { connect, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { projectRoot } from "../../src/testing/environment.ts";

const PRISM = join(projectRoot, "node_modules", "@stoplight", "prism-cli", "dist", "index.js");

/** Whether Prism is installed, and if not, why. */
export function prismAvailability(): { available: true } | { available: false; reason: string } {
  return existsSync(PRISM) ? { available: true } : { available: false, reason: `${PRISM} is not installed (npm install)` };
}

/** A running mock server. */
export interface PrismServer {
  url: string;
  /** Everything Prism printed, for failure messages. */
  log(): string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address !== null ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

/**
 * The document Prism serves: the vendor's own, restricted to the path items of the operations
 * under test (components and everything else unchanged), because Prism resolves every operation
 * at start-up and Xero's accounting document alone then takes minutes on a busy machine.
 *
 * One more change, for OpenAPI 3.1 documents that declare `jsonSchemaDialect`: Prism gives that
 * URI to ajv as each schema's `$schema`; ajv does not know the OpenAPI dialect's URI, the schema
 * fails to compile, and Prism then skips body validation altogether (it accepts any body). The
 * served copy names the equivalent JSON Schema 2020-12 dialect, which Prism's ajv knows.
 */
export function servedDocument(root: Readonly<Record<string, unknown>>, operationIds: readonly string[]): string {
  const wanted = new Set(operationIds);
  const paths: Record<string, unknown> = {};
  for (const [path, item] of Object.entries((root["paths"] ?? {}) as Record<string, Record<string, unknown>>)) {
    const ids = Object.values(item).map((op) => (op !== null && typeof op === "object" ? (op as { operationId?: unknown }).operationId : undefined));
    if (ids.some((id) => typeof id === "string" && wanted.has(id))) paths[path] = item;
  }
  // Webhooks are what the vendor sends, not what it serves; Prism does not mock them.
  const { webhooks: _webhooks, ...rest } = root;
  const served: Record<string, unknown> = { ...rest, paths, components: reachableComponents(root, paths) };
  if (typeof served["jsonSchemaDialect"] === "string") served["jsonSchemaDialect"] = "https://json-schema.org/draft/2020-12/schema";
  const file = join(mkdtempSync(join(tmpdir(), "syncspec-prism-")), "document.json");
  writeFileSync(file, JSON.stringify(served));
  return file;
}

/** The components the `$ref`s under `from` reach, transitively, plus every security scheme. */
function reachableComponents(root: Readonly<Record<string, unknown>>, from: unknown): Record<string, Record<string, unknown>> {
  const all = (root["components"] ?? {}) as Record<string, Record<string, unknown>>;
  const kept: Record<string, Record<string, unknown>> = {};
  if (all["securitySchemes"] !== undefined) kept["securitySchemes"] = all["securitySchemes"];
  const stack: unknown[] = [from];
  while (stack.length > 0) {
    const node = stack.pop();
    if (node === null || typeof node !== "object") continue;
    for (const [key, value] of Object.entries(node)) {
      const match = key === "$ref" && typeof value === "string" ? /^#\/components\/([^/]+)\/([^/]+)/.exec(value) : null;
      if (match?.[1] !== undefined && match[2] !== undefined) {
        const [section, name] = [match[1], decodeURIComponent(match[2]).replace(/~1/g, "/").replace(/~0/g, "~")];
        kept[section] ??= {};
        if (!Object.hasOwn(kept[section], name) && all[section]?.[name] !== undefined) {
          kept[section][name] = all[section][name];
          stack.push(all[section][name]);
        }
      } else stack.push(value);
    }
  }
  return kept;
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: "127.0.0.1" });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

/**
 * Starts Prism over `document`; resolves once it listens. With `dynamic`, responses are generated
 * from the schemas (for documents without examples, such as Chargebee's); otherwise Prism answers
 * with the document's own examples (its generator cannot follow Xero's circular schemas).
 */
export async function startPrism(document: string, options: { dynamic: boolean; timeoutMs: number }): Promise<PrismServer> {
  const port = await freePort();
  const timeoutMs = options.timeoutMs;
  const mode = options.dynamic ? ["--dynamic", "--seed", "syncspec"] : [];
  const args = [PRISM, "mock", "-h", "127.0.0.1", "-p", String(port), "--errors", ...mode, "-v", "warn", document];
  const child: ChildProcess = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" } });
  let output = "";
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.stdout?.on("data", (chunk: Buffer) => {
    output += chunk.toString("utf8");
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    output += chunk.toString("utf8");
  });
  // At `-v warn` Prism does not say when it listens, so the port is polled.
  const deadline = Date.now() + timeoutMs;
  while (!(await accepts(port))) {
    if (child.exitCode !== null) throw new Error(`Prism exited (${child.exitCode}) before listening:\n${output.slice(-2000)}`);
    if (Date.now() > deadline) {
      child.kill("SIGTERM");
      throw new Error(`Prism did not start within ${timeoutMs} ms:\n${output.slice(-2000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    url: `http://127.0.0.1:${port}`,
    log: () => output,
    async stop() {
      if (child.exitCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}
