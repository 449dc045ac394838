import { describe, expect, it } from "vitest";
import { explanations } from "../../src/compiler/diagnostics/explanations.ts";
import { messages } from "../../src/compiler/diagnostics/messages.ts";
import { builtInRules } from "../../src/compiler/lint/rules/index.ts";
import { projectRoot } from "../../src/testing/environment.ts";
import { runCli } from "../../src/testing/spec-fixtures.ts";

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
    const result = await runCli(["explain", "--list"], projectRoot);
    expect(result.code).toBe(0);
    const codes = result.stdout.trimEnd().split("\n").map((line) => line.split(/\s+/)[0]);
    expect(codes).toEqual([...Object.keys(messages), ...builtInRules.map((r) => r.name)]);
    expect(result.stdout).toMatch(/^mapping-wrong-type +error +compiler +The mapping puts/m);
    expect(result.stdout).toMatch(/^route-retry +\w+ +lint +/m);
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
