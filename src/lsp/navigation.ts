/**
 * Go to definition, find references and rename, all answered from the symbol index. Rename covers
 * what the index follows (documents by name, an entity's fields, inside JSONata too) and refuses
 * a new name the model would not accept, or one already taken.
 */
import { type Location as LspLocation, ResponseError, type TextEdit, type WorkspaceEdit } from "vscode-languageserver";
import type { Location } from "../compiler/diagnostics/diagnostic.ts";
import { rangeOf } from "./positions.ts";
import type { SymbolEntry, SymbolIndex } from "./symbol-index.ts";

/** Maps a file path to the URI the client knows it by. */
export type UriOf = (path: string) => string;

function toLsp(location: Location, uriOf: UriOf): LspLocation {
  return { uri: uriOf(location.file.path), range: rangeOf(location.file, location.start, location.end) };
}

/** Where the symbol is declared. */
export function definitionOf(entry: SymbolEntry | undefined, uriOf: UriOf): LspLocation[] {
  return (entry?.sites ?? []).filter((s) => s.declaration).map((s) => toLsp(s.location, uriOf));
}

/** Every place the symbol is written, in file and offset order. */
export function referencesOf(entry: SymbolEntry | undefined, includeDeclaration: boolean, uriOf: UriOf): LspLocation[] {
  const sites = (entry?.sites ?? []).filter((s) => includeDeclaration || !s.declaration);
  const unique = new Map(sites.map((s) => [`${s.location.file.path}\u0000${s.location.start}`, s.location]));
  return [...unique.values()]
    .sort((a, b) => (a.file.path === b.file.path ? a.start - b.start : a.file.path < b.file.path ? -1 : 1))
    .map((l) => toLsp(l, uriOf));
}

const RENAMABLE: Record<string, RegExp> = {
  Entity: /^[A-Za-z][A-Za-z0-9_-]*$/,
  Mapping: /^[a-z][a-z0-9-]*$/,
  System: /^[A-Za-z][A-Za-z0-9_-]*$/,
  field: /^[A-Za-z_][A-Za-z0-9_]*$/,
};

/** Whether a symbol can be renamed: it is declared in the set and of a kind rename follows. */
export function canRename(entry: SymbolEntry | undefined): entry is SymbolEntry {
  if (entry === undefined || RENAMABLE[entry.what] === undefined) return false;
  if (entry.what === "field" && entry.key.split("/").length !== 2) return false;
  return entry.sites.some((s) => s.declaration);
}

/** The edits that rename a symbol everywhere it is written. */
export function renameEdits(entry: SymbolEntry | undefined, newName: string, index: SymbolIndex, uriOf: UriOf): WorkspaceEdit {
  if (!canRename(entry)) throw new ResponseError(-32803, "only an entity, a system, a mapping or an entity's field can be renamed");
  const pattern = RENAMABLE[entry.what] as RegExp;
  if (!pattern.test(newName)) throw new ResponseError(-32602, `'${newName}' is not a valid ${entry.what} name (${pattern.source})`);
  const taken = entry.what === "field" ? `${entry.key.slice(0, entry.key.lastIndexOf("/") + 1)}${newName}` : `${entry.what}:${newName}`;
  if (index.get(taken)?.sites.some((s) => s.declaration) === true) throw new ResponseError(-32602, `${entry.what} '${newName}' already exists`);
  const changes: Record<string, TextEdit[]> = {};
  const seen = new Set<string>();
  for (const site of entry.sites) {
    const id = `${site.location.file.path}\u0000${site.location.start}`;
    if (seen.has(id)) continue;
    seen.add(id);
    const uri = uriOf(site.location.file.path);
    const edits = changes[uri] ?? [];
    edits.push({ range: rangeOf(site.location.file, site.location.start, site.location.end), newText: newName });
    changes[uri] = edits;
  }
  for (const edits of Object.values(changes)) edits.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
  return { changes };
}
