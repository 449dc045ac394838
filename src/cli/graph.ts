/**
 * `spec graph [paths...] [--format mermaid|dot] [--view routes|ownership] [--route name] [--out dir]`:
 * prints one diagram (the route graph by default, the ownership map, or one route's flow), or with
 * `--out` writes every view, one file each, so that each output is one diagram a renderer accepts.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { suggest } from "../compiler/diagnostics/suggest.ts";
import { allViews, DIAGRAM_FORMATS, type DiagramView, renderView, routeView, SET_VIEWS, setView } from "../compiler/emit/docs/views.ts";
import { loadProgram } from "../compiler/program.ts";
import { type Command, expectChoice, expectFormat, parseCommandArgs } from "./command.ts";
import { type CliIo, EXIT, UsageError } from "./io.ts";
import { printDiagnostics } from "./print-diagnostics.ts";

/** Writes every view under `out`; returns the paths written, relative to it. */
function writeViews(views: readonly DiagramView[], format: keyof typeof DIAGRAM_FORMATS, out: string): string[] {
  return views.map((view) => {
    const file = `${view.file}.${DIAGRAM_FORMATS[format]}`;
    mkdirSync(dirname(join(out, file)), { recursive: true });
    writeFileSync(join(out, file), renderView(view, format));
    return file;
  });
}

function unknownRoute(io: CliIo, name: string, routes: readonly string[]): number {
  const close = suggest(name, routes);
  io.stderr(`spec graph: the spec set has no route '${name}'${close === undefined ? `; its routes are ${routes.join(", ")}` : `; did you mean '${close}'?`}\n`);
  return EXIT.findings;
}

/** The `spec graph` command. */
export const graphCommand: Command = {
  name: "graph",
  summary: "Print one diagram (route graph, ownership map or a route's flow) as Mermaid or Graphviz DOT, or write every view with --out",
  usage: "spec graph [paths...] [--format mermaid|dot] [--view routes|ownership] [--route name] [--out dir]",
  options: [
    {
      name: "format",
      value: "format",
      description: "The diagram language",
      values: ["mermaid", "dot"],
      default: "mermaid",
      examples: ["spec graph --format dot | dot -Tsvg > routes.svg", "spec graph --format mermaid --view routes"],
    },
    {
      name: "view",
      value: "view",
      description: "Which diagram to print: the routes between systems or the ownership map; all (with --out) writes every view",
      values: ["routes", "ownership", "all"],
      default: "routes",
      examples: ["spec graph --view ownership", "spec graph --view ownership --format dot"],
    },
    {
      name: "route",
      value: "name",
      description: "Print one route's flow instead: its trigger, steps, branches, the operations it calls and the events it emits",
      examples: ["spec graph --route time-to-revenue", "spec graph --route invoice-release --format dot | dot -Tsvg > invoice-release.svg"],
    },
    {
      name: "out",
      value: "dir",
      description: "Write every view, one file each (routes, ownership, routes/<name>), instead of printing one",
      examples: ["spec graph --out diagrams", "spec graph --out diagrams --format dot"],
    },
  ],
  run(args, io) {
    const { values, positionals } = parseCommandArgs(args, { format: { type: "string" }, view: { type: "string" }, route: { type: "string" }, out: { type: "string" } });
    const format = expectFormat(values.format, ["mermaid", "dot"] as const, "mermaid");
    const chosen = expectChoice("view", values.view, [...SET_VIEWS, "all"] as const, "routes");
    if (chosen === "all" && values.out === undefined) throw new UsageError("--view all is several diagrams, which one output cannot hold: give --out <dir> to write one file per view");
    const view = chosen === "all" ? undefined : chosen;
    if (values.route !== undefined && values.view !== undefined) throw new UsageError("--route draws one route's flow; it does not go with --view");
    if (values.out !== undefined && ((values.view !== undefined && view !== undefined) || values.route !== undefined)) throw new UsageError("--out writes every view; leave out --view and --route");
    const program = loadProgram({ cwd: io.cwd, paths: positionals });
    if (!program.ok) {
      printDiagnostics(io, program.diagnostics, "stylish");
      return EXIT.findings;
    }
    if (values.out !== undefined) {
      const out = isAbsolute(values.out) ? values.out : resolve(io.cwd, values.out);
      const written = writeViews(allViews(program.set), format, out);
      io.stderr(`${written.length} diagram(s) written to ${out}: ${written.join(", ")}\n`);
      return EXIT.ok;
    }
    if (values.route !== undefined) {
      const flow = routeView(program.set, values.route);
      if (flow === undefined) return unknownRoute(io, values.route, [...program.set.routes.keys()].sort());
      io.stdout(renderView(flow, format));
      return EXIT.ok;
    }
    io.stdout(renderView(setView(program.set, view ?? "routes"), format));
    return EXIT.ok;
  },
};
