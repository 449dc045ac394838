/** `spec graph [paths...] [--format mermaid|dot] [--view routes|ownership]`: prints the route graph and the ownership map. */
import { ownershipGraph, routeGraph, toDot, toMermaid } from "../compiler/emit/docs/graph.ts";
import { loadProgram } from "../compiler/program.ts";
import { type Command, expectChoice, expectFormat, parseCommandArgs } from "./command.ts";
import { EXIT } from "./io.ts";
import { printDiagnostics } from "./print-diagnostics.ts";

/** The `spec graph` command. */
export const graphCommand: Command = {
  name: "graph",
  summary: "Print the route graph and the ownership map (Mermaid or Graphviz DOT)",
  usage: "spec graph [paths...] [--format mermaid|dot] [--view routes|ownership|all]",
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
      description: "Which graph to print: the routes between systems, the ownership map, or both",
      values: ["routes", "ownership", "all"],
      default: "all",
      examples: ["spec graph --view routes", "spec graph --view ownership --format dot"],
    },
  ],
  run(args, io) {
    const { values, positionals } = parseCommandArgs(args, { format: { type: "string" }, view: { type: "string" } });
    const format = expectFormat(values.format, ["mermaid", "dot"] as const, "mermaid");
    const view = expectChoice("view", values.view, ["routes", "ownership", "all"] as const, "all");
    const program = loadProgram({ cwd: io.cwd, paths: positionals });
    if (!program.ok) {
      printDiagnostics(io, program.diagnostics, "stylish");
      return EXIT.findings;
    }
    const graphs = [
      ...(view === "ownership" ? [] : [["routes", routeGraph(program.set)] as const]),
      ...(view === "routes" ? [] : [["ownership", ownershipGraph(program.set)] as const]),
    ];
    const text = graphs.map(([name, graph]) => (format === "dot" ? toDot(graph, name) : `%% ${name}\n${toMermaid(graph)}`));
    io.stdout(text.join("\n"));
    return EXIT.ok;
  },
};
