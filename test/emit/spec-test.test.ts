import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../../src/testing/spec-fixtures.ts";
import { scratchProject } from "./helpers.ts";

describe("spec test", () => {
  const project = scratchProject();
  afterAll(() => project.dispose());

  it("runs the mappings' example tests and exits 0 when they pass", async () => {
    const result = await runCli(["test"], project.dir);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      "  pass  psa-time-to-canonical › an approved entry\n  pass  time-to-journal › posts the hours\n\n2 mapping test(s): 2 passed, 0 failed\n",
    );
  });

  it("reports a failing example at its line with expected and actual, as JUnit XML, and exits 1", async () => {
    const path = join(project.dir, "specs", "mappings.yaml");
    writeFileSync(path, readFileSync(path, "utf8").replace('amount: "1.5", memo: "time t1"', 'amount: "1.50", memo: "time <t1>"'));
    const result = await runCli(["test", "--format", "junit"], project.dir);
    expect(result.code).toBe(1);
    const xml = result.stdout.replace(/time="[0-9.]+"/g, 'time="0"');
    expect(xml).toContain('<testsuites name="spec test" tests="2" failures="1">');
    expect(xml).toContain('<testcase classname="mapping.psa-time-to-canonical" name="an approved entry" file="specs/mappings.yaml" time="0"/>');
    expect(xml).toContain(
      '<failure message="expected {&quot;reference&quot;:&quot;t1&quot;,&quot;amount&quot;:&quot;1.50&quot;,&quot;memo&quot;:&quot;time &lt;t1&gt;&quot;}" type="mapping-test">specs/mappings.yaml:35:7\n',
    );
    expect(xml).toContain("     got {&quot;reference&quot;:&quot;t1&quot;,&quot;amount&quot;:&quot;1.5&quot;,&quot;memo&quot;:&quot;time t1&quot;}</failure>");
  });

  it("rejects an unknown format with exit 2", async () => {
    const result = await runCli(["test", "--format", "tap"], project.dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("unknown format 'tap'; use one of text, json, junit");
  });
});
