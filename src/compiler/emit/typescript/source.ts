/**
 * One generated file at a time, printed by ts-morph from a structure or through its code writer,
 * with the header line first. No source file is created or parsed: nothing in the output needs
 * type information, so printing is all ts-morph does. Printing settings are fixed so output is
 * byte-for-byte the same on every machine.
 */
import { createRequire } from "node:module";
import type * as TsMorph from "ts-morph";
import type { CodeBlockWriter, PrintStructureOptions, SourceFileStructure } from "ts-morph";
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

/** Two-space indentation, `\n` line ends, double quotes: the same for structures and writers. */
const PRINTING: PrintStructureOptions = { indentNumberOfSpaces: 2, newLine: "\n", useSingleQuote: false };

/** A file the compiler writes, relative to the output folder. */
export interface EmittedFile {
  path: string;
  text: string;
}

/** The printer every emitter of one run shares. */
export interface EmitProject {
  /** Builds a file with ts-morph's code writer, for files that are imports and data (routes, the index). */
  written(path: string, specPath: string, write: (writer: CodeBlockWriter) => void): EmittedFile;
  /**
   * Builds a file from a source file's structure, printed as ts-morph prints it into a new source
   * file (statement spacing, doc comments, members); `specPath` goes in the header. Structures
   * print as in a `.ts` file, also for declaration files, whose statements are plain text.
   */
  structure(path: string, specPath: string, structure: Omit<SourceFileStructure, "kind">): EmittedFile;
}

/**
 * Generated modules name each other by the `.js` files they become, as Node and `module: NodeNext`
 * want, whatever the emitter wrote: `from "./x.ts"` and `import("./x.ts")` of relative paths.
 * Spec strings enter the output only as JSON literals, whose quotes are escaped, so no spec text
 * can look like a specifier here.
 */
export function nodeNextSpecifiers(text: string): string {
  return text
    .replace(/^((?:import|export)\b[^\n]*? from ")(\.\.?\/[^"\\\n]*)\.ts(";)$/gm, "$1$2.js$3")
    .replace(/(\bimport\(")(\.\.?\/[^"\\\n]*)\.ts("\))/g, "$1$2.js$3");
}

function withHeader(path: string, specPath: string, body: string): EmittedFile {
  const text = nodeNextSpecifiers(body);
  return { path, text: `${headerLine(specPath)}\n${text.endsWith("\n") ? text : `${text}\n`}` };
}

/** A fresh printer; ts-morph loads with the first file printed. */
export function createEmitProject(): EmitProject {
  const printed = new Map<string, string>();
  return {
    written(path, specPath, write) {
      const writer = new (tsMorph().CodeBlockWriter)({ indentNumberOfSpaces: 2, newLine: "\n", useSingleQuote: false });
      write(writer);
      return withHeader(path, specPath, writer.toString());
    },
    structure(path, specPath, structure) {
      // Files made only of fixed statements (declaration files) are printed once per run.
      const statements = structure.statements;
      const fixed = Array.isArray(statements) && statements.every((s) => typeof s === "string") ? statements.join("\n") : undefined;
      const cached = fixed === undefined ? undefined : printed.get(fixed);
      if (cached !== undefined) return { path, text: `${headerLine(specPath)}\n${cached}` };
      const { printStructure, StructureKind } = tsMorph();
      const file = withHeader(path, specPath, printStructure({ ...structure, kind: StructureKind.SourceFile }, PRINTING).replace(/^\s+/, ""));
      if (fixed !== undefined) printed.set(fixed, file.text.slice(file.text.indexOf("\n") + 1));
      return file;
    },
  };
}
