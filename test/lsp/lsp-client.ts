/**
 * A protocol client for the tests: starts `spec lsp --stdio` as a child process on a temporary
 * copy of the example project and talks to it with vscode-jsonrpc, as an editor would.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { createMessageConnection, type MessageConnection, StreamMessageReader, StreamMessageWriter } from "vscode-jsonrpc/node";
import type { Diagnostic, PublishDiagnosticsParams } from "vscode-languageserver";

const REPO = resolve(import.meta.dirname, "../..");

/** A copy of the example project (project file and specs) in a fresh temporary folder. */
export function copyProject(): string {
  const root = mkdtempSync(join(tmpdir(), "syncspec-lsp-"));
  cpSync(join(REPO, "syncspec.yaml"), join(root, "syncspec.yaml"));
  cpSync(join(REPO, "specs"), join(root, "specs"), { recursive: true });
  return root;
}

/** A running server and a client connected to it. */
export interface TestClient {
  root: string;
  connection: MessageConnection;
  child: ChildProcess;
  uri(relative: string): string;
  /** The latest diagnostics published for a URI. */
  diagnostics(uri: string): Diagnostic[] | undefined;
  /** Resolves with the first publication for `uri` (after now) that satisfies `until`. */
  nextDiagnostics(uri: string, until?: (d: Diagnostic[]) => boolean, timeoutMs?: number): Promise<Diagnostic[]>;
  messages: { type: number; message: string }[];
  logs: string[];
  /** What the server asked the client to register (method and options). */
  registrations: { method: string; registerOptions?: unknown }[];
  /** The text of each buffer opened, by relative path, as last sent. */
  buffers: Map<string, string>;
  /** Opens a file of the copy as an editor buffer; returns its text. */
  open(relative: string): Promise<string>;
  /** Replaces a buffer's whole text as version `version`. */
  change(relative: string, version: number, text: string): Promise<void>;
  request<R>(method: string, params?: object): Promise<R>;
  stop(): Promise<void>;
}

/** Starts the server on `root` and initialises it. */
export async function startClient(root: string): Promise<TestClient> {
  const child = spawn(process.execPath, [join(REPO, "bin/spec.mjs"), "lsp", "--stdio"], { cwd: root, stdio: ["pipe", "pipe", "pipe"] });
  let stderr = "";
  child.stderr?.on("data", (chunk) => {
    stderr += String(chunk);
  });
  const connection = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  const latest = new Map<string, Diagnostic[]>();
  const waiters: { uri: string; until: (d: Diagnostic[]) => boolean; resolve: (d: Diagnostic[]) => void }[] = [];
  const messages: { type: number; message: string }[] = [];
  const logs: string[] = [];
  const registrations: { method: string; registerOptions?: unknown }[] = [];
  connection.onRequest("client/registerCapability", (params: { registrations: { method: string; registerOptions?: unknown }[] }) => {
    registrations.push(...params.registrations.map(({ method, registerOptions }) => ({ method, registerOptions })));
    return null;
  });
  const buffers = new Map<string, string>();
  connection.onNotification("textDocument/publishDiagnostics", (params: PublishDiagnosticsParams) => {
    latest.set(params.uri, params.diagnostics);
    for (const waiter of [...waiters]) {
      if (waiter.uri !== params.uri || !waiter.until(params.diagnostics)) continue;
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve(params.diagnostics);
    }
  });
  connection.onNotification("window/showMessage", (params: { type: number; message: string }) => {
    messages.push(params);
  });
  connection.onNotification("window/logMessage", (params: { message: string }) => {
    logs.push(params.message);
  });
  connection.listen();
  const rootUri = pathToFileURL(root).href;
  await connection.sendRequest("initialize", { processId: process.pid, rootUri, capabilities: { workspace: { didChangeWatchedFiles: { dynamicRegistration: true } } }, workspaceFolders: [{ uri: rootUri, name: "specs" }] });
  await connection.sendNotification("initialized", {});
  return {
    root,
    connection,
    child,
    uri: (relative) => pathToFileURL(join(root, relative)).href,
    diagnostics: (uri) => latest.get(uri),
    nextDiagnostics(uri, until = () => true, timeoutMs = 20_000) {
      return new Promise((resolvePromise, reject) => {
        const timer = setTimeout(() => reject(new Error(`no diagnostics for ${uri} within ${timeoutMs} ms; server stderr: ${stderr}`)), timeoutMs);
        waiters.push({
          uri,
          until,
          resolve: (d) => {
            clearTimeout(timer);
            resolvePromise(d);
          },
        });
      });
    },
    messages,
    logs,
    registrations,
    buffers,
    async open(relative) {
      const text = readFileSync(join(root, relative), "utf8");
      buffers.set(relative, text);
      const languageId = relative.endsWith(".sync") ? "syncspec" : "yaml";
      await connection.sendNotification("textDocument/didOpen", { textDocument: { uri: pathToFileURL(join(root, relative)).href, languageId, version: 1, text } });
      return text;
    },
    async change(relative, version, text) {
      buffers.set(relative, text);
      await connection.sendNotification("textDocument/didChange", { textDocument: { uri: pathToFileURL(join(root, relative)).href, version }, contentChanges: [{ text }] });
    },
    request: (method, params) => connection.sendRequest(method, params),
    async stop() {
      const gone = new Promise<void>((resolveExit) => child.once("exit", () => resolveExit()));
      try {
        await Promise.race([connection.sendRequest("shutdown"), new Promise((r) => setTimeout(r, 5000))]);
        await connection.sendNotification("exit");
      } catch {
        // the server may already be gone
      }
      await Promise.race([gone, new Promise((r) => setTimeout(r, 5000))]);
      connection.dispose();
      child.kill();
      rmSync(root, { recursive: true, force: true });
    },
  };
}
