import { describe, expect, it } from "vitest";
import { createSourceFile } from "../../src/compiler/diagnostics/source-file.ts";
import { parseYamlCarefully } from "../../src/compiler/parse/yaml/parse-yaml.ts";

/** A mapping of `count` keys, with `k7` written a second time at the end. */
function largeMapping(count: number): string {
  const lines = Array.from({ length: count }, (_, i) => `  k${i}: ${i}`);
  return `m:\n${lines.join("\n")}\n  k7: again\n`;
}

describe("a YAML mapping with tens of thousands of keys", () => {
  it("reports its duplicate key at the second occurrence, in time linear in its size", () => {
    const text = largeMapping(60_000);
    const started = performance.now();
    const [docs, diagnostics] = parseYamlCarefully(createSourceFile("big.yaml", text), { maxDepth: 64 });
    const elapsed = performance.now() - started;
    expect(docs).toEqual([]);
    expect(diagnostics.map((d) => [d.code, d.message, d.location?.start])).toEqual([
      ["duplicate-key", "the key 'k7' appears twice in this mapping", text.lastIndexOf("k7: again")],
    ]);
    // Comparing every key with every other, as the yaml package's own check does, takes far longer.
    expect(elapsed).toBeLessThan(20_000);
  }, 120_000);

  it("locates thousands of findings in it without searching the mapping for each", () => {
    const text = largeMapping(60_000).replace("  k7: again\n", "");
    const [[doc]] = parseYamlCarefully(createSourceFile("big.yaml", text), { maxDepth: 64 });
    const started = performance.now();
    const starts: number[] = [];
    for (let i = 0; i < 60_000; i += 1) starts.push(doc?.locate(["m", `k${i}`]).start ?? -1);
    expect(performance.now() - started).toBeLessThan(10_000);
    for (const i of [0, 1, 29_999, 59_999]) expect(starts[i]).toBe(text.indexOf(`\n  k${i}: `) + `\n  k${i}: `.length);
  }, 120_000);
});
