import { describe, expect, it } from "vitest";
import { createSourceFile } from "../../src/compiler/diagnostics/source-file.ts";
import { formatGithub } from "../../src/compiler/diagnostics/printers/github.ts";
import { formatJunit } from "../../src/compiler/diagnostics/printers/junit.ts";
import { formatSarif } from "../../src/compiler/diagnostics/printers/sarif.ts";
import type { Diagnostic } from "../../src/compiler/diagnostics/diagnostic.ts";
import { sarifValidator } from "./sarif-schema.ts";

const file = createSourceFile("/repo/specs/routes/a b.yaml", "kind: Route\nmetadata:\n  name: x, y\n");
const findings: Diagnostic[] = [
  { code: "route-timeout", severity: "error", message: "no timeout\nat all: 100%", location: { file, start: 12, end: 21 } },
  { code: "naming", severity: "warn", message: "bad <name> & 'quotes'", location: { file, start: 30, end: 34 } },
  { code: "unknown-policy", severity: "error", message: "no such policy", location: undefined },
];

describe("the SARIF printer", () => {
  it("writes a log that validates against the SARIF 2.1.0 schema", () => {
    const validate = sarifValidator();
    const log = JSON.parse(formatSarif(findings, { root: "/repo", rules: [{ id: "naming", description: "Names match.", docs: "docs/rules/naming.md", severity: "warn" }] }));
    expect(validate(log), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ version: "2.1.0", runs: [{ tool: { driver: {} }, results: [] }] })).toBe(false);
  });

  it("locates results relative to the root, with one-based regions and stable rule indexes", () => {
    const log = JSON.parse(formatSarif(findings, { root: "/repo" }));
    const run = log.runs[0];
    expect(run.tool.driver.rules.map((r: { id: string }) => r.id)).toEqual(["naming", "route-timeout", "unknown-policy"]);
    expect(run.results[0]).toEqual({
      ruleId: "route-timeout",
      ruleIndex: 1,
      level: "error",
      message: { text: "no timeout\nat all: 100%" },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: "specs/routes/a%20b.yaml", uriBaseId: "%SRCROOT%" },
            region: { startLine: 2, startColumn: 1, endLine: 2, endColumn: 10 },
          },
        },
      ],
    });
    expect(run.results[1].level).toBe("warning");
    expect(run.results[2].locations).toBeUndefined();
  });
});

describe("the JUnit printer", () => {
  it("writes one suite per file, one failing case per finding, escaped, and passing suites for clean files", () => {
    const xml = formatJunit(findings.slice(0, 2), { cwd: "/repo", files: ["/repo/specs/routes/a b.yaml", "/repo/specs/ok.yaml"] });
    expect(xml).toBe(`<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="spec lint" tests="3" failures="2" errors="0" time="0">
  <testsuite name="specs/ok.yaml" tests="1" failures="0" errors="0" skipped="0" time="0">
    <testcase classname="specs/ok.yaml" name="no findings" time="0"/>
  </testsuite>
  <testsuite name="specs/routes/a b.yaml" tests="2" failures="2" errors="0" skipped="0" time="0">
    <testcase classname="specs/routes/a b.yaml" name="route-timeout at 2:1" time="0">
      <failure message="no timeout
at all: 100%" type="error">specs/routes/a b.yaml:2:1 error route-timeout: no timeout
at all: 100%</failure>
    </testcase>
    <testcase classname="specs/routes/a b.yaml" name="naming at 3:9" time="0">
      <failure message="bad &lt;name&gt; &amp; &apos;quotes&apos;" type="warn">specs/routes/a b.yaml:3:9 warn naming: bad &lt;name&gt; &amp; &apos;quotes&apos;</failure>
    </testcase>
  </testsuite>
</testsuites>
`);
  });
});

describe("the GitHub printer", () => {
  it("writes workflow commands with escaped properties and messages", () => {
    expect(formatGithub(findings, { cwd: "/repo" })).toBe(
      [
        "::error file=specs/routes/a b.yaml,line=2,col=1,endLine=2,endColumn=10,title=route-timeout::no timeout%0Aat all: 100%25",
        "::warning file=specs/routes/a b.yaml,line=3,col=9,endLine=3,endColumn=13,title=naming::bad <name> & 'quotes'",
        "::error title=unknown-policy::no such policy",
        "",
      ].join("\n"),
    );
  });
});
