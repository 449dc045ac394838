/**
 * `spec docs [paths...] --out <dir> [--mermaid <url>]`: writes the HTML catalogue, each of its
 * diagrams as a Mermaid file, and (when the mermaid package is installed and no URL is given) a
 * local copy of Mermaid, and says how many files it wrote.
 */
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { renderDocs } from "../compiler/emit/docs/docs.ts";
import { planEmit } from "../compiler/emit/typescript/plan.ts";
import { loadProgram } from "../compiler/program.ts";
import { type Command, parseCommandArgs } from "./command.ts";
import { EXIT, UsageError } from "./io.ts";
import { printDiagnostics } from "./print-diagnostics.ts";

/** The local Mermaid bundle, when the package is installed. */
function localMermaid(): string | undefined {
  try {
    return createRequire(import.meta.url).resolve("mermaid/dist/mermaid.min.js");
  } catch {
    return undefined;
  }
}

/** The `spec docs` command. */
export const docsCommand: Command = {
  name: "docs",
  summary: "Write an HTML catalogue of systems, entities, routes with their flowcharts, mappings with field lineage, and reconciliations, with Mermaid diagrams",
  usage: "spec docs [paths...] --out <dir> [--mermaid <url>]",
  options: [
    {
      name: "out",
      value: "dir",
      description: "The folder the HTML catalogue is written to (required)",
      examples: ["spec docs --out site", "spec docs specs --out build/catalogue"],
    },
    {
      name: "mermaid",
      value: "url",
      description: "Where the pages load Mermaid from",
      default: "a copy of the installed mermaid package beside the pages",
      examples: ["spec docs --out site --mermaid https://cdn.jsdelivr.net/npm/mermaid@11/dist/mermaid.min.js", "spec docs --out site --mermaid /assets/mermaid.min.js"],
    },
  ],
  run(args, io) {
    const { values, positionals } = parseCommandArgs(args, { out: { type: "string" }, mermaid: { type: "string" } });
    if (values.out === undefined) throw new UsageError("--out <dir> is required");
    const out = isAbsolute(values.out) ? values.out : resolve(io.cwd, values.out);
    const program = loadProgram({ cwd: io.cwd, paths: positionals });
    if (!program.ok) {
      printDiagnostics(io, program.diagnostics, "stylish");
      return EXIT.findings;
    }
    const local = values.mermaid === undefined ? localMermaid() : undefined;
    const plan = planEmit(program.set, program.config.root, program.config.specs);
    const files = renderDocs(program.set, plan.setPath, values.mermaid ?? (local === undefined ? undefined : "mermaid.min.js"));
    for (const file of files) {
      mkdirSync(dirname(join(out, file.path)), { recursive: true });
      writeFileSync(join(out, file.path), file.text);
    }
    if (local !== undefined) copyFileSync(local, join(out, "mermaid.min.js"));
    const diagrams = files.filter((f) => f.path.endsWith(".mmd")).length;
    const count = files.length + (local === undefined ? 0 : 1);
    io.stderr(`docs written to ${out}: ${count} files (index.html, ${diagrams} diagrams${local === undefined ? "" : ", mermaid.min.js"})\n`);
    return EXIT.ok;
  },
};
