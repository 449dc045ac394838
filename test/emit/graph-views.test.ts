import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { projectRoot, shouldRun } from "../../src/testing/environment.ts";
import { runCli } from "../../src/testing/spec-fixtures.ts";
import { mermaidAvailable, mermaidParse } from "./mermaid-browser.ts";

const haveMermaid = mermaidAvailable();

const DOT = "/usr/bin/dot";
const haveDot = shouldRun("Graphviz dot", existsSync(DOT) ? { available: true } : { available: false, reason: `no ${DOT} (apt-get install -y graphviz)` });

/** Renders DOT with Graphviz; returns its exit status and errors. Graphviz reads only the first graph of a stream silently, so `-Tsvg` output is checked for one <svg>. */
function dotRender(text: string): { status: number | null; stderr: string; svgs: number } {
  const result = spawnSync(DOT, ["-Tsvg"], { input: text, encoding: "utf8" });
  return { status: result.status, stderr: result.stderr, svgs: (result.stdout.match(/<svg /g) ?? []).length };
}

const ROUTES = readdirSync(join(projectRoot, "specs", "routes")).map((f) => f.replace(/\.(yaml|sync)$/, "")).sort();

describe("the Mermaid parser the graph tests use", () => {
  it.runIf(haveMermaid)("rejects two diagrams in one text, as spec graph used to print", async () => {
    const [two] = await mermaidParse("flowchart LR\n  a --> b\n%% ownership\nflowchart LR\n  c --> d\n");
    expect(two).toMatchObject({ error: expect.stringContaining("Parse error on line") });
  });
});

describe("spec graph prints one diagram per output", () => {
  it.runIf(haveMermaid)("answers each view with one flowchart that Mermaid's parser accepts", async () => {
    const views = [[], ["--view", "routes"], ["--view", "ownership"], ["--route", "time-to-revenue"], ["--route", "client-master-data"]];
    const outputs: string[] = [];
    for (const args of views) {
      const result = await runCli(["graph", ...args], projectRoot);
      expect(result.code, args.join(" ")).toBe(0);
      expect(result.stdout.match(/^flowchart /gm), args.join(" ")).toHaveLength(1);
      outputs.push(result.stdout);
    }
    expect(await mermaidParse(...outputs)).toEqual(views.map(() => ({ type: "flowchart-v2" })));
  }, 120_000);

  it("draws a route's steps in order, its branch with an otherwise way, and the operations it calls", async () => {
    const { stdout } = await runCli(["graph", "--route", "time-to-revenue"], projectRoot);
    const lines = stdout.split("\n");
    const id = (label: string) => lines.find((l) => l.includes(label))?.trim().match(/^n\d+/)?.[0];
    const cost = id("post-cost: deliver to erp.postCostJournal");
    const bill = id("bill: branch (1 way)".replace(/[()]/g, (c) => `#${c.charCodeAt(0)};`));
    expect(cost).toBeDefined();
    expect(bill).toBeDefined();
    expect(lines).toContain(`  ${cost} --> ${bill}`);
    expect(lines).toContain(`  ${cost} -.->|"postCostJournal"| ${id('["erp"]')}`);
    expect(lines).toContain(`  ${bill} -->|"otherwise"| ${id("time-to-revenue done")}`);
  });

  it.runIf(haveDot)("answers every view as one DOT digraph that Graphviz renders", async () => {
    for (const args of [["--view", "routes"], ["--view", "ownership"], ["--route", "time-to-revenue"]]) {
      const result = await runCli(["graph", "--format", "dot", ...args], projectRoot);
      expect(result.code, args.join(" ")).toBe(0);
      expect(result.stdout.match(/^digraph /gm), args.join(" ")).toHaveLength(1);
      const rendered = dotRender(result.stdout);
      expect(rendered.stderr, args.join(" ")).toBe("");
      expect(rendered.status, args.join(" ")).toBe(0);
      expect(rendered.svgs, args.join(" ")).toBe(1);
    }
  });

  it("refuses --view all on one output, an unknown view, and a route the set lacks, saying what exists", async () => {
    const all = await runCli(["graph", "--view", "all"], projectRoot);
    expect(all.code).toBe(2);
    expect(all.stderr).toContain("spec graph: --view all is several diagrams, which one output cannot hold: give --out <dir> to write one file per view\n");
    const view = await runCli(["graph", "--view", "lineage"], projectRoot);
    expect(view.code).toBe(2);
    expect(view.stderr).toContain("unknown view 'lineage'; use one of routes, ownership, all");
    const typo = await runCli(["graph", "--route", "time-to-revenu"], projectRoot);
    expect(typo).toEqual({ code: 1, stdout: "", stderr: "spec graph: the spec set has no route 'time-to-revenu'; did you mean 'time-to-revenue'?\n" });
    const far = await runCli(["graph", "--route", "zzz"], projectRoot);
    expect(far.stderr).toBe(`spec graph: the spec set has no route 'zzz'; its routes are ${ROUTES.join(", ")}\n`);
    const both = await runCli(["graph", "--view", "routes", "--route", "time-to-revenue"], projectRoot);
    expect(both.code).toBe(2);
  });
});

describe("spec graph --out writes one file per view", () => {
  let out = "";
  beforeAll(() => {
    out = mkdtempSync(join(tmpdir(), "syncspec-graph-"));
  });
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it.runIf(haveMermaid)("writes the route graph, the ownership map and each route's flow, each a diagram Mermaid parses", async () => {
    const result = await runCli(["graph", "--out", out], projectRoot);
    expect(result.code).toBe(0);
    const files = ["ownership.mmd", "routes.mmd", ...ROUTES.map((r) => `routes/${r}.mmd`)];
    expect(result.stderr).toBe(`${files.length} diagram(s) written to ${out}: routes.mmd, ownership.mmd, ${ROUTES.map((r) => `routes/${r}.mmd`).join(", ")}\n`);
    const parsed = await mermaidParse(...files.map((file) => readFileSync(join(out, file), "utf8")));
    expect(Object.fromEntries(files.map((file, i) => [file, parsed[i]]))).toEqual(Object.fromEntries(files.map((file) => [file, { type: "flowchart-v2" }])));
  });

  it.runIf(haveDot)("writes them as DOT files that Graphviz renders", async () => {
    const result = await runCli(["graph", "--format", "dot", "--out", join(out, "dot")], projectRoot);
    expect(result.code).toBe(0);
    for (const file of ["routes.dot", "ownership.dot", ...ROUTES.map((r) => `routes/${r}.dot`)]) {
      const rendered = dotRender(readFileSync(join(out, "dot", file), "utf8"));
      expect({ file, status: rendered.status, stderr: rendered.stderr, svgs: rendered.svgs }).toEqual({ file, status: 0, stderr: "", svgs: 1 });
    }
  });
});
