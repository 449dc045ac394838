/**
 * The buffers the editor has open: their text and version, edits applied in order. An edit whose
 * version is not newer than the buffer's is stale (it arrived out of order) and is refused, so the
 * text never goes back in time. A buffer over the size limit is kept but never analysed.
 */
import { TextDocument } from "vscode-languageserver-textdocument";
import type { TextDocumentContentChangeEvent } from "vscode-languageserver";

/** One open buffer. */
export interface OpenDocument {
  uri: string;
  path: string;
  document: TextDocument;
  /** True while the text is over the size limit: the buffer is not parsed. */
  oversized: boolean;
}

/** What became of an edit. */
export type ChangeOutcome = { applied: true; document: OpenDocument } | { applied: false; reason: string };

/** The open buffers by file path. */
export interface OpenDocuments {
  open(uri: string, path: string, languageId: string, version: number, text: string): OpenDocument;
  change(path: string, version: number, changes: readonly TextDocumentContentChangeEvent[]): ChangeOutcome;
  close(path: string): OpenDocument | undefined;
  get(path: string): OpenDocument | undefined;
  all(): readonly OpenDocument[];
}

/** Makes the store; `maxBytes` is the largest buffer that is analysed. */
export function createOpenDocuments(maxBytes: number): OpenDocuments {
  const byPath = new Map<string, OpenDocument>();
  const oversized = (text: string) => Buffer.byteLength(text, "utf8") > maxBytes;
  return {
    open(uri, path, languageId, version, text) {
      const entry = { uri, path, document: TextDocument.create(uri, languageId, version, text), oversized: oversized(text) };
      byPath.set(path, entry);
      return entry;
    },
    change(path, version, changes) {
      const entry = byPath.get(path);
      if (entry === undefined) return { applied: false, reason: "the document is not open" };
      if (version <= entry.document.version) {
        return { applied: false, reason: `version ${version} is not newer than ${entry.document.version}` };
      }
      entry.document = TextDocument.update(entry.document, [...changes], version);
      entry.oversized = oversized(entry.document.getText());
      return { applied: true, document: entry };
    },
    close(path) {
      const entry = byPath.get(path);
      byPath.delete(path);
      return entry;
    },
    get: (path) => byPath.get(path),
    all: () => [...byPath.values()],
  };
}
