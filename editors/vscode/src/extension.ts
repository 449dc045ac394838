/**
 * The syncspec extension: starts `spec lsp --stdio` for the workspace (the project's own `spec`
 * from node_modules/.bin when installed, otherwise `syncspec.server.path`, otherwise `spec` on
 * the PATH) and connects it to `.sync` and YAML spec documents.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { type ExtensionContext, window, workspace } from "vscode";
import { LanguageClient, type LanguageClientOptions, type ServerOptions, TransportKind } from "vscode-languageclient/node";

let client: LanguageClient | undefined;

/** The `spec` executable to run for a workspace folder. */
function specCommand(folder: string | undefined): string {
  const configured = workspace.getConfiguration("syncspec").get<string>("server.path", "");
  if (configured !== "") return configured;
  const local = folder === undefined ? undefined : join(folder, "node_modules", ".bin", process.platform === "win32" ? "spec.cmd" : "spec");
  return local !== undefined && existsSync(local) ? local : "spec";
}

export async function activate(context: ExtensionContext): Promise<void> {
  const folder = workspace.workspaceFolders?.[0]?.uri.fsPath;
  const command = specCommand(folder);
  const run = { command, args: ["lsp", "--stdio"], transport: TransportKind.stdio, options: folder === undefined ? {} : { cwd: folder } };
  const serverOptions: ServerOptions = { run, debug: run };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: "file", language: "syncspec" },
      { scheme: "file", language: "yaml" },
    ],
    synchronize: { fileEvents: workspace.createFileSystemWatcher("**/*.{sync,yaml,yml}") },
    outputChannelName: "syncspec",
  };
  client = new LanguageClient("syncspec", "syncspec", serverOptions, clientOptions);
  context.subscriptions.push(client);
  try {
    await client.start();
  } catch (error) {
    void window.showErrorMessage(`syncspec: could not start '${command} lsp --stdio': ${error instanceof Error ? error.message : String(error)}. Install syncspec in the project or set syncspec.server.path.`);
  }
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
