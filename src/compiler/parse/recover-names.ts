/**
 * The names a file declares, read from its text when it does not parse. Other files' references
 * to those names are then not reported as unknown: one syntax error is reported once, where it
 * is, instead of as an "unknown system" in every file that names what the broken file declares.
 */
import { KIND_NAMES, type KindName } from "../../model/index.ts";
import type { NamedDocument } from "../check/spec-set.ts";
import type { SourceFile } from "../diagnostics/source-file.ts";

const YAML_KIND = /^kind:[ \t]*["']?([A-Za-z]+)/m;
const YAML_FLOW_NAME = /^metadata:[ \t]*\{[^}\n]*?\bname:[ \t]*["']?([^\s,"'{}[\]#]+)/m;
const YAML_BLOCK_NAME = /^metadata:[ \t]*(?:#.*)?\r?\n(?:(?:[ \t]+.*|[ \t]*)\r?\n)*?[ \t]+name:[ \t]*["']?([^\s,"'{}[\]#]+)/m;
const DSL_HEADER = /^(route|mapping|ownership|system|entity|reconciliation|policy)[ \t]+([A-Za-z0-9_.-]+)/gm;

function kindOf(word: string): KindName | undefined {
  const kind = word.charAt(0).toUpperCase() + word.slice(1);
  return (KIND_NAMES as readonly string[]).includes(kind) ? (kind as KindName) : undefined;
}

/** The kinds and names a spec file's text appears to declare, by the front end its path names. */
export function recoverDeclaredNames(file: SourceFile): NamedDocument[] {
  const found: NamedDocument[] = [];
  if (file.path.endsWith(".sync")) {
    for (const match of file.text.matchAll(DSL_HEADER)) {
      const kind = kindOf(match[1] ?? "");
      if (kind !== undefined && match[2] !== undefined) found.push({ kind, name: match[2] });
    }
    return found;
  }
  for (const chunk of file.text.split(/^---[ \t]*$/m)) {
    const kind = kindOf(YAML_KIND.exec(chunk)?.[1] ?? "");
    const name = YAML_FLOW_NAME.exec(chunk)?.[1] ?? YAML_BLOCK_NAME.exec(chunk)?.[1];
    if (kind !== undefined && name !== undefined) found.push({ kind, name });
  }
  return found;
}
