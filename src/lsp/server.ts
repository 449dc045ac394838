/**
 * The language server: a connection, a session, and the document lifecycle. Buffers over the
 * size limit are declined with a message and never parsed; edits that arrive out of order are
 * refused and logged; files that change or vanish on disk are re-read.
 */
import {
  CodeActionKind,
  type Connection,
  createConnection,
  DidChangeWatchedFilesNotification,
  FileChangeType,
  type InitializeParams,
  type InitializeResult,
  MessageType,
  ShowMessageNotification,
  StreamMessageReader,
  StreamMessageWriter,
  TextDocumentSyncKind,
} from "vscode-languageserver/node";
import { format } from "node:util";
import { loadConfig } from "../compiler/config.ts";
import { PACKAGE_VERSION } from "../package-version.ts";
import { pathOf } from "./positions.ts";
import { registerRequests } from "./requests.ts";
import { createSession, type Session } from "./session.ts";

/** How the server is started. */
export interface ServerOptions {
  /** The project folder when the client names none. */
  cwd: string;
  /** Quiet time after an edit before diagnostics are published (default 15 ms). */
  debounceMs?: number;
}

function rootOf(params: InitializeParams, cwd: string): string {
  const folder = params.workspaceFolders?.[0]?.uri ?? params.rootUri ?? undefined;
  return (folder === undefined ? undefined : pathOf(folder)) ?? cwd;
}

function capabilities(): InitializeResult["capabilities"] {
  return {
    textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
    completionProvider: { triggerCharacters: [".", "$", ":", " "] },
    hoverProvider: true,
    definitionProvider: true,
    referencesProvider: true,
    renameProvider: { prepareProvider: true },
    documentSymbolProvider: true,
    documentFormattingProvider: true,
    codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
  };
}

function declined(connection: Connection, session: Session, path: string, maxBytes: number): void {
  session.stats.declinedDocuments++;
  const message = `syncspec: ${path} is over the limit of ${maxBytes} bytes (limits.maxFileBytes), so it is not analysed.`;
  void connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Warning, message });
  connection.console.warn(message);
}

function registerDocuments(connection: Connection, session: Session, maxBytes: number): void {
  connection.onDidOpenTextDocument(({ textDocument: d }) => {
    const path = pathOf(d.uri);
    if (path === undefined) return connection.console.log(`not a file, left alone: ${d.uri}`);
    const opened = session.open.open(d.uri, path, d.languageId, d.version, d.text);
    if (opened.oversized) declined(connection, session, path, maxBytes);
    session.changed();
  });
  connection.onDidChangeTextDocument(({ textDocument: d, contentChanges }) => {
    const path = pathOf(d.uri);
    if (path === undefined) return;
    const wasOversized = session.open.get(path)?.oversized === true;
    const outcome = session.open.change(path, d.version, contentChanges);
    if (!outcome.applied) {
      session.stats.staleChanges++;
      connection.console.warn(`edit to ${path} refused: ${outcome.reason}`);
      return;
    }
    if (outcome.document.oversized && !wasOversized) declined(connection, session, path, maxBytes);
    session.changed();
  });
  connection.onDidCloseTextDocument(({ textDocument }) => {
    const path = pathOf(textDocument.uri);
    if (path !== undefined) session.open.close(path);
    session.changed();
  });
  connection.onDidChangeWatchedFiles(({ changes }) => {
    for (const change of changes) {
      const path = pathOf(change.uri);
      if (path === undefined) continue;
      connection.console.log(`${path} ${change.type === FileChangeType.Deleted ? "deleted" : change.type === FileChangeType.Created ? "created" : "changed"} on disk`);
      session.diskChanged(path);
    }
  });
}

/** Wires a server onto a connection; resolves when the connection closes. */
export function serve(connection: Connection, options: ServerOptions): Promise<void> {
  let session: Session | undefined;
  let maxDepth = 64;
  let watchable = false;
  connection.onInitialize((params) => {
    watchable = params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
    const root = rootOf(params, options.cwd);
    const [config] = loadConfig(root);
    maxDepth = config.maxDepth;
    session = createSession({
      root,
      maxBytes: config.maxFileBytes,
      debounceMs: options.debounceMs ?? 15,
      log: (message) => connection.console.log(message),
      publish: (uri, diagnostics, version) => void connection.sendDiagnostics({ uri, diagnostics, ...(version === undefined ? {} : { version }) }),
    });
    registerDocuments(connection, session, config.maxFileBytes);
    registerRequests(connection, session, () => maxDepth);
    // Resolves once the diagnostics of every edit so far have been published (notifications come first).
    connection.onRequest("syncspec/settle", async () => {
      await session?.flush();
      return null;
    });
    connection.onRequest("syncspec/stats", () => {
      const memory = process.memoryUsage();
      return { ...session?.stats, rssBytes: memory.rss, heapUsedBytes: memory.heapUsed };
    });
    connection.console.log(`syncspec ${PACKAGE_VERSION} language server for ${root}`);
    return { capabilities: capabilities(), serverInfo: { name: "syncspec", version: PACKAGE_VERSION } };
  });
  connection.onInitialized(() => {
    // Files that change on disk (a branch switch, a generator) are re-read; clients that can watch for us do.
    if (watchable) void connection.client.register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: "**/*.{yaml,yml,sync}" }] });
    session?.changed();
  });
  connection.onShutdown(() => session?.dispose());
  return new Promise((resolve) => {
    connection.onExit(() => resolve());
    connection.listen();
  });
}

/** Standard output carries the protocol: anything a module prints goes to the client's log instead. */
function routeConsoleToClient(connection: Connection): void {
  console.log = (...args: unknown[]) => connection.console.log(format(...args));
  console.info = (...args: unknown[]) => connection.console.info(format(...args));
  console.warn = (...args: unknown[]) => connection.console.warn(format(...args));
  console.error = (...args: unknown[]) => connection.console.error(format(...args));
}

/** Serves the protocol over the process's standard input and output. */
export function serveStdio(options: ServerOptions): Promise<void> {
  const connection = createConnection(new StreamMessageReader(process.stdin), new StreamMessageWriter(process.stdout));
  routeConsoleToClient(connection);
  return serve(connection, options);
}
