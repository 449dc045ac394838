/**
 * One generated file at a time: a ts-morph source file in memory, built from structures and
 * writers, printed with the header line first. Printing settings are fixed so output is
 * byte-for-byte the same on every machine.
 */
import { IndentationText, NewLineKind, Project, QuoteKind, type SourceFile, type SourceFileStructure } from "ts-morph";
import { headerLine } from "./literals.ts";

/** A file the compiler writes, relative to the output folder. */
export interface EmittedFile {
  path: string;
  text: string;
}

/** The ts-morph project every emitter of one run shares. */
export interface EmitProject {
  /** Builds a TypeScript file from its structure; `specPath` goes in the header. */
  file(path: string, specPath: string, build: (file: SourceFile) => void): EmittedFile;
  /** Builds a file from a structure alone. */
  structure(path: string, specPath: string, structure: Omit<SourceFileStructure, "kind">): EmittedFile;
}

/** A fresh in-memory project. */
export function createEmitProject(): EmitProject {
  const project = new Project({
    useInMemoryFileSystem: true,
    manipulationSettings: {
      indentationText: IndentationText.TwoSpaces,
      newLineKind: NewLineKind.LineFeed,
      quoteKind: QuoteKind.Double,
      useTrailingCommas: true,
    },
  });
  const print = (path: string, specPath: string, source: SourceFile): EmittedFile => {
    source.formatText({ indentSize: 2, tabSize: 2, convertTabsToSpaces: true, ensureNewLineAtEndOfFile: true });
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
    structure(path, specPath, structure) {
      const source = project.createSourceFile(`/out/${path}`, structure, { overwrite: true });
      return print(path, specPath, source);
    },
  };
}
