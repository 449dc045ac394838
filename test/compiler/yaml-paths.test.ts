import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createSourceFile } from "../../src/compiler/diagnostics/source-file.ts";
import { parseYaml, parseYamlCarefully } from "../../src/compiler/parse/yaml/parse-yaml.ts";
import { projectRoot } from "../../src/testing/environment.ts";

function specFiles(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) specFiles(full, out);
    else if (entry.name.endsWith(".yaml")) out.push(full);
  }
  return out;
}

describe("the two YAML paths", () => {
  const files = specFiles(join(projectRoot, "specs"));

  it("give the same values and the same locations for every file of the example specs", () => {
    expect(files.length).toBeGreaterThan(20);
    for (const path of files) {
      const file = createSourceFile(path, readFileSync(path, "utf8"));
      const [quick] = parseYaml(file);
      const [careful] = parseYamlCarefully(file);
      expect(quick.map((d) => d.value), path).toEqual(careful.map((d) => d.value));
      const probe = ["spec"];
      expect(quick[0]?.locate(probe, "key"), path).toEqual(careful[0]?.locate(probe, "key"));
      expect(quick[0]?.locate(["metadata", "name"]), path).toEqual(careful[0]?.locate(["metadata", "name"]));
    }
  });

  it("reads plain YAML 1.2 scalars the same way: dates stay strings, yes stays a string", () => {
    const text = "a: 2027-06-30\nb: yes\nc: 0x1F\nd: ~\ne: .inf\nf: '07'\ng: 1e3\n";
    const file = createSourceFile("x.yaml", text);
    expect(parseYaml(file)[0].map((d) => d.value)).toEqual(parseYamlCarefully(file)[0].map((d) => d.value));
    expect((parseYaml(file)[0][0]!.value as Record<string, unknown>)["a"]).toBe("2027-06-30");
  });
});
