/**
 * The `js+dts` target: each generated TypeScript module as the JavaScript a service runs with
 * plain Node and the declaration file its type checker reads, as protobuf-es's `target=js+dts`.
 * Both come from TypeScript's single-file transforms (no program, no type checking): generated
 * modules annotate every export, so each file's declarations stand on their own.
 */
import type * as TsMorph from "ts-morph";
import { type EmittedFile, tsMorph } from "./source.ts";

/** How generated code is written: TypeScript modules, or JavaScript with declaration files. */
export type EmitTarget = "ts" | "js+dts";

/** Replaces each `.ts` module of `files` (not declaration files) by its `.js` and `.d.ts`; sorted by path. */
export function asJavaScript(files: readonly EmittedFile[]): EmittedFile[] {
  const { ts } = tsMorph();
  const compilerOptions: TsMorph.ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    verbatimModuleSyntax: true,
    newLine: ts.NewLineKind.LineFeed,
  };
  const out: EmittedFile[] = [];
  for (const file of files) {
    if (!file.path.endsWith(".ts") || file.path.endsWith(".d.ts")) {
      out.push(file);
      continue;
    }
    const header = file.text.slice(0, file.text.indexOf("\n") + 1);
    const base = file.path.slice(0, -3);
    const js = ts.transpileModule(file.text, { fileName: file.path, compilerOptions, reportDiagnostics: false }).outputText;
    const dts = ts.transpileDeclaration(file.text, { fileName: file.path, compilerOptions, reportDiagnostics: true });
    if (dts.diagnostics !== undefined && dts.diagnostics.length > 0) {
      const message = ts.flattenDiagnosticMessageText(dts.diagnostics[0]?.messageText ?? "", "\n");
      throw new Error(`generated ${file.path} has an export whose type a declaration file cannot state: ${message}`);
    }
    out.push({ path: `${base}.js`, text: withHeader(header, js) }, { path: `${base}.d.ts`, text: withHeader(header, dts.outputText) });
  }
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

function withHeader(header: string, text: string): string {
  const body = text.startsWith(header) ? text.slice(header.length) : text;
  return `${header}${body.endsWith("\n") ? body : `${body}\n`}`;
}
