/**
 * One generated file at a time: a ts-morph source file in memory, built from structures and
 * writers, printed with the header line first. Printing settings are fixed so output is
 * byte-for-byte the same on every machine.
 */
import { createRequire } from "node:module";
import type * as TsMorph from "ts-morph";
import type { CodeBlockWriter, SourceFile, SourceFileStructure } from "ts-morph";
import { headerLine } from "./literals.ts";

let loaded: typeof TsMorph | undefined;

/**
 * ts-morph, loaded on first use: a compile that stops on errors never pays for it. It is loaded
 * with `require` because importing a CommonJS package from an ES module makes Node scan the
 * package's source for its export names first, a tenth of a second on every run.
 */
export function tsMorph(): typeof TsMorph {
  loaded ??= createRequire(import.meta.url)("ts-morph") as typeof TsMorph;
  return loaded;
}

/** A file the compiler writes, relative to the output folder. */
export interface EmittedFile {
  path: string;
  text: string;
}

/** The ts-morph project every emitter of one run shares. */
export interface EmitProject {
  /** Builds a TypeScript file from its structure; `specPath` goes in the header. */
  file(path: string, specPath: string, build: (file: SourceFile) => void): EmittedFile;
  /**
   * Builds a file with ts-morph's code writer alone, for files that are imports and data (routes,
   * the index): no source file is parsed, which keeps large spec sets fast.
   */
  written(path: string, specPath: string, write: (writer: CodeBlockWriter) => void): EmittedFile;
  /** Builds a file from a structure alone. */
  structure(path: string, specPath: string, structure: Omit<SourceFileStructure, "kind">): EmittedFile;
}

/** A fresh in-memory project. */
export function createEmitProject(): EmitProject {
  const { CodeBlockWriter, IndentationText, NewLineKind, Project, QuoteKind } = tsMorph();
  const project = new Project({
    useInMemoryFileSystem: true,
    manipulationSettings: {
      indentationText: IndentationText.TwoSpaces,
      newLineKind: NewLineKind.LineFeed,
      quoteKind: QuoteKind.Double,
      useTrailingCommas: true,
    },
  });
  const printed = new Map<string, string>();
  const print = (path: string, specPath: string, source: SourceFile): EmittedFile => {
    const body = source.getFullText().replace(/^\s+/, "");
    project.removeSourceFile(source);
    return { path, text: `${headerLine(specPath)}\n${body.endsWith("\n") ? body : `${body}\n`}` };
  };
  return {
    file(path, specPath, build) {
      const source = project.createSourceFile(`/out/${path}`, "", { overwrite: true });
      build(source);
      return print(path, specPath, source);
    },
    written(path, specPath, write) {
      const writer = new CodeBlockWriter({ indentNumberOfSpaces: 2, newLine: "\n", useSingleQuote: false });
      write(writer);
      const body = writer.toString();
      return { path, text: `${headerLine(specPath)}\n${body.endsWith("\n") ? body : `${body}\n`}` };
    },
    structure(path, specPath, structure) {
      // Files made only of fixed statements (declaration files) are printed once per run.
      const statements = structure.statements;
      const fixed = Array.isArray(statements) && statements.every((s) => typeof s === "string") ? statements.join("\n") : undefined;
      const cached = fixed === undefined ? undefined : printed.get(fixed);
      if (cached !== undefined) return { path, text: `${headerLine(specPath)}\n${cached}` };
      const source = project.createSourceFile(`/out/${path}`, structure, { overwrite: true });
      const file = print(path, specPath, source);
      if (fixed !== undefined) printed.set(fixed, file.text.slice(file.text.indexOf("\n") + 1));
      return file;
    },
  };
}
