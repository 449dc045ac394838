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

  it("reports a failing example at its line with each differing field, as JUnit XML, and exits 1", async () => {
    const path = join(project.dir, "specs", "mappings.yaml");
    writeFileSync(path, readFileSync(path, "utf8").replace('amount: "1.5", memo: "time t1"', 'amount: "1.50", memo: "time <t1>"'));
    const result = await runCli(["test", "--format", "junit"], project.dir);
    expect(result.code).toBe(1);
    const xml = result.stdout.replace(/time="[0-9.]+"/g, 'time="0"');
    expect(xml).toContain('<testsuites name="spec test" tests="2" failures="1">');
    expect(xml).toContain('<testcase classname="mapping.psa-time-to-canonical" name="an approved entry" file="specs/mappings.yaml" time="0"/>');
    expect(xml).toContain(
      '<failure message="2 fields differ from expect: $.amount, $.memo" type="mapping-test">specs/mappings.yaml:35:7\n' +
        "2 differences (- expected, + actual):\n  $.amount\n    - &quot;1.50&quot;\n    + &quot;1.5&quot;\n  $.memo\n    - &quot;time &lt;t1&gt;&quot;\n    + &quot;time t1&quot;</failure>",
    );
  });

  it("prints each differing field at its JSON path, with the expected value after - and the actual after +", async () => {
    const result = await runCli(["test"], project.dir);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe(
      [
        "  pass  psa-time-to-canonical › an approved entry",
        "  FAIL  time-to-journal › posts the hours",
        "        at specs/mappings.yaml:35:7",
        "        2 differences (- expected, + actual):",
        "          $.amount",
        '            - "1.50"',
        '            + "1.5"',
        "          $.memo",
        '            - "time <t1>"',
        '            + "time t1"',
        "",
        "2 mapping test(s): 1 passed, 1 failed",
        "",
      ].join("\n"),
    );
  });

  it("answers --format json with an object: each result with its differences, and a summary", async () => {
    const result = await runCli(["test", "--format", "json"], project.dir);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout);
    expect(report.summary).toEqual({ tests: 2, passed: 1, failed: 1 });
    expect(report.results[1]).toEqual({
      mapping: "time-to-journal",
      test: "posts the hours",
      where: "specs/mappings.yaml:35:7",
      file: "specs/mappings.yaml",
      passed: false,
      failure: "2 fields differ from expect: $.amount, $.memo",
      differences: [
        { path: "$.amount", kind: "changed", expected: "1.50", actual: "1.5" },
        { path: "$.memo", kind: "changed", expected: "time <t1>", actual: "time t1" },
      ],
    });
  });

  it("rejects an unknown format with exit 2", async () => {
    const result = await runCli(["test", "--format", "tap"], project.dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("unknown format 'tap'; use one of text, json, junit");
  });
});
