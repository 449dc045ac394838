/**
 * The language features, each answered from the session's current analysis: completion, hover,
 * definition, references, rename, document symbols, formatting and quick fixes.
 */
import { type Connection, MessageType, type Position, ShowMessageNotification } from "vscode-languageserver";
import { createSourceFile, type SourceFile } from "../compiler/diagnostics/source-file.ts";
import { complete } from "./completion.ts";
import { formatEdits, suggestionActions } from "./edits.ts";
import { hoverAt } from "./hover.ts";
import { canRename, definitionOf, referencesOf, renameEdits } from "./navigation.ts";
import { offsetAt, pathOf, rangeOf, uriOf } from "./positions.ts";
import type { Session, View } from "./session.ts";
import { documentSymbols } from "./symbols.ts";

/** Registers the feature handlers on a connection. */
export function registerRequests(connection: Connection, session: Session, maxDepth: () => number): void {
  const uriFor = (path: string) => session.open.get(path)?.uri ?? uriOf(path);
  /** The analysed file at a URI, or the open buffer when the file is not part of the set. */
  const fileAt = (uri: string): { view: View; path: string; file: SourceFile } | undefined => {
    const path = pathOf(uri);
    if (path === undefined) return undefined;
    const view = session.view();
    const buffer = session.open.get(path);
    const analysed = view.snapshot.files.get(path);
    const file = analysed !== undefined && (buffer === undefined || analysed.text === buffer.document.getText()) ? analysed : createSourceFile(path, buffer?.document.getText() ?? "");
    return { view, path, file };
  };
  const symbolAt = (uri: string, position: Position) => {
    const at = fileAt(uri);
    if (at === undefined) return undefined;
    const offset = offsetAt(at.file, position);
    return { ...at, offset, entry: at.view.index.at(at.path, offset) };
  };

  connection.onCompletion((params) => {
    const at = fileAt(params.textDocument.uri);
    if (at === undefined) return [];
    return complete(at.view.snapshot.program.set, session.documentsOf(at.path), at.path, at.file.text, offsetAt(at.file, params.position));
  });
  connection.onHover((params) => {
    const at = symbolAt(params.textDocument.uri, params.position);
    if (at === undefined) return null;
    return hoverAt(at.view.snapshot.program.set, at.entry, at.view.snapshot.documents.get(at.path) ?? [], at.file.text, at.offset);
  });
  connection.onDefinition((params) => definitionOf(symbolAt(params.textDocument.uri, params.position)?.entry, uriFor));
  connection.onReferences((params) => referencesOf(symbolAt(params.textDocument.uri, params.position)?.entry, params.context.includeDeclaration, uriFor));
  connection.onPrepareRename((params) => {
    const at = symbolAt(params.textDocument.uri, params.position);
    if (at === undefined || !canRename(at.entry)) return null;
    const site = at.entry.sites.find((s) => s.location.file.path === at.path && s.location.start <= at.offset && at.offset <= s.location.end);
    return site === undefined ? null : { range: rangeOf(site.location.file, site.location.start, site.location.end), placeholder: at.entry.name };
  });
  connection.onRenameRequest((params) => {
    const at = symbolAt(params.textDocument.uri, params.position);
    return renameEdits(at?.entry, params.newName, session.view().index, uriFor);
  });
  connection.onDocumentSymbol((params) => {
    const path = pathOf(params.textDocument.uri);
    return path === undefined ? [] : documentSymbols(session.view().snapshot.documents.get(path) ?? []);
  });
  connection.onDocumentFormatting((params) => {
    const path = pathOf(params.textDocument.uri);
    const buffer = path === undefined ? undefined : session.open.get(path);
    if (path === undefined || buffer === undefined) return [];
    const edits = formatEdits(path, buffer.document.getText(), maxDepth());
    if (edits === undefined) {
      const message = "spec fmt: the document does not parse, so it was not formatted; see its diagnostics.";
      void connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Warning, message });
    }
    return edits ?? [];
  });
  connection.onCodeAction((params) => suggestionActions(params.textDocument.uri, params.context.diagnostics));
}
