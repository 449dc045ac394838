/**
 * Conversion between the syntaxes on the example spec set: every file of specs/ goes YAML ->
 * DSL -> YAML unchanged, and `spec fmt --to yaml|dsl` prints the other form.
 */
import { readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { createSourceFile } from "../../src/compiler/diagnostics/source-file.ts";
import { documentsToDsl, documentsToYaml } from "../../src/compiler/parse/dsl/convert.ts";
import { readDsl } from "../../src/compiler/parse/dsl/parse-dsl.ts";
import { parseYaml } from "../../src/compiler/parse/yaml/parse-yaml.ts";
import { discoverSpecFiles } from "../../src/compiler/sources.ts";
import { projectRoot } from "../../src/testing/environment.ts";
import { runCli } from "./cli.ts";

const specsDir = join(projectRoot, "specs");
const [specFiles] = discoverSpecFiles([specsDir], projectRoot);
const yamlFiles = specFiles.filter((f) => f.endsWith(".yaml"));

function yamlValues(path: string): unknown[] {
  const [docs, diagnostics] = parseYaml(createSourceFile(path, readFileSync(path, "utf8")));
  expect(diagnostics).toEqual([]);
  return docs.map((d) => d.value);
}

describe("conversion of the example specs", () => {
  it("finds YAML spec files to convert", () => {
    expect(yamlFiles.length).toBeGreaterThan(10);
  });

  it("turns every file of specs/ from YAML to DSL and back to the same YAML", () => {
    for (const path of yamlFiles) {
      const values = yamlValues(path);
      const yaml1 = documentsToYaml(values, "../../schemas");
      const dsl = documentsToDsl(values);
      const read = readDsl(createSourceFile(`${path}.sync`, dsl));
      expect(read.diagnostics.map((d) => `${relative(projectRoot, path)}: ${d.message}`)).toEqual([]);
      const yaml2 = documentsToYaml(
        read.documents.map((d) => d.value),
        "../../schemas",
      );
      expect(yaml2, relative(projectRoot, path)).toBe(yaml1);
      expect(read.documents.map((d) => d.value)).toEqual(values);
    }
  });

  it("prints a route as DSL and as YAML with the schema line through spec fmt --to", async () => {
    const route = join(specsDir, "routes", "payment-status.yaml");
    const dsl = await runCli(["fmt", "--to", "dsl", route]);
    expect(dsl.code).toBe(0);
    expect(dsl.stdout).toMatch(/^route payment-status version \S+ team \S+ \{\n/);
    expect(dsl.stdout).toContain("\n  on billing.paymentSucceeded\n");
    const yaml = await runCli(["fmt", "--to", "yaml", route]);
    expect(yaml.code).toBe(0);
    expect(yaml.stdout.split("\n")[0]).toBe("# yaml-language-server: $schema=../../schemas/route.schema.json");
    expect(yaml.stdout).toContain("kind: Route\n");
  });

  it("refuses --to with two files, and an unknown target, as usage errors", async () => {
    const route = join(specsDir, "routes", "payment-status.yaml");
    expect((await runCli(["fmt", "--to", "dsl", route, route])).code).toBe(2);
    const unknown = await runCli(["fmt", "--to", "json", route]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown target 'json'; use yaml or dsl");
  });
});

