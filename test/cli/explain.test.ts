import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { explanations } from "../../src/compiler/diagnostics/explanations.ts";
import { messages } from "../../src/compiler/diagnostics/messages.ts";
import { builtInRules } from "../../src/compiler/lint/rules/index.ts";
import { projectRoot } from "../../src/testing/environment.ts";
import { runCli, writeSpecSet } from "../../src/testing/spec-fixtures.ts";

describe("spec explain", () => {
  it("explains every compiler code from the one table, with its severity and fix", async () => {
    for (const [code, entry] of Object.entries(messages)) {
      const result = await runCli(["explain", code], projectRoot);
      expect(result.code, code).toBe(0);
      const explanation = explanations[code as keyof typeof explanations];
      expect(result.stdout).toBe(
        `# ${code}\n\n${explanation.why}\n\n- Reported by: the compiler (spec validate, spec compile, spec lint)\n- Severity: ${entry.severity}\n\n## How to fix\n\n${explanation.fix}\n`,
      );
    }
  });

  it("explains every lint rule with its page", async () => {
    for (const rule of builtInRules) {
      const result = await runCli(["explain", rule.name], projectRoot);
      expect(result.code, rule.name).toBe(0);
      expect(result.stdout).toContain(`# ${rule.name}\n\n${rule.description}\n`);
      expect(result.stdout).toContain(`- Default severity: ${rule.severity}`);
    }
  });

  it("is what spec lint --explain prints, for compiler codes as for rules", async () => {
    for (const code of ["mapping-wrong-type", "route-retry"]) {
      const lint = await runCli(["lint", "--explain", code], projectRoot);
      expect(lint.code).toBe(0);
      expect(lint.stdout).toBe((await runCli(["explain", code], projectRoot)).stdout);
    }
  });

  it("lists every code once with --list", async () => {
    const result = await runCli(["explain", "--list"], mkdtempSync(join(tmpdir(), "syncspec-explain-")));
    expect(result.code).toBe(0);
    const codes = result.stdout.trimEnd().split("\n").map((line) => line.split(/\s+/)[0]);
    expect(codes).toEqual([...Object.keys(messages), ...builtInRules.map((r) => r.name)]);
    expect(result.stdout).toMatch(/^mapping-wrong-type +error +compiler +The mapping puts/m);
    expect(result.stdout).toMatch(/^route-retry +\w+ +lint +/m);
  });

  it("explains the custom rules of the project's Policy, without running them, and lists them", async () => {
    const dir = writeSpecSet({
      "specs/policy.yaml": `apiVersion: syncspec.dev/v1
kind: Policy
metadata: { name: governance, team: platform, version: 1.0.0, description: Rules. }
spec:
  customRules:
    - name: mapping-has-tests
      severity: error
      description: Every mapping carries at least one example test.
      given: Mapping
      assert: $count(spec.tests) > 0
      message: this mapping has no example tests
    - name: erp-breaker
      description: Routes to the ERP declare a circuit breaker.
      module: ./rules/never-loaded.rule.ts
`,
    });
    const page = await runCli(["explain", "mapping-has-tests"], dir);
    expect(page.code).toBe(0);
    expect(page.stdout).toBe(
      [
        "# mapping-has-tests",
        "",
        "Every mapping carries at least one example test.",
        "",
        "- Reported by: spec lint, a custom rule of Policy 'governance' (specs/policy.yaml)",
        "- Severity: error",
        "- Looks at: Mapping documents",
        "- Requires: `$count(spec.tests) > 0`",
        "- Reports: this mapping has no example tests",
        "",
      ].join("\n"),
    );
    // The module does not exist: explaining a rule never loads it.
    const module = await runCli(["explain", "erp-breaker"], dir);
    expect(module.code).toBe(0);
    expect(module.stdout).toContain("- Severity: warn\n- Checked by the module: ./rules/never-loaded.rule.ts\n");
    expect((await runCli(["explain", "mapping-has-test"], dir)).stderr).toContain("did you mean 'mapping-has-tests'?");
    const list = await runCli(["explain", "--list"], dir);
    expect(list.stdout).toMatch(/\nmapping-has-tests +error +policy +Every mapping carries/);
    expect(list.stdout).toMatch(/\nerp-breaker +warn +policy +/);
  });

  it("suggests the closest code for a misspelt one, and exits 2", async () => {
    const result = await runCli(["explain", "mapping-wrong-typ"], projectRoot);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("spec explain: unknown diagnostic code 'mapping-wrong-typ'; did you mean 'mapping-wrong-type'?");
    const far = await runCli(["explain", "xyzzy"], projectRoot);
    expect(far.stderr).toContain("unknown diagnostic code 'xyzzy'; run 'spec explain --list' for every code");
  });

  it("needs exactly one code", async () => {
    expect((await runCli(["explain"], projectRoot)).code).toBe(2);
    expect((await runCli(["explain", "a", "b"], projectRoot)).stderr).toContain("explain one code at a time; unexpected 'b'");
    expect((await runCli(["explain", "--list", "a"], projectRoot)).code).toBe(2);
  });
});
