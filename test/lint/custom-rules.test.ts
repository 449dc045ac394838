import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join, resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { runCli } from "../../src/testing/spec-fixtures.ts";
import { cleanSet, lintFiles, policyFile, writeSet } from "./lint-helpers.ts";

const moduleRule = `export const rule = {
  name: "routes-name-a-queue",
  severity: "warn",
  description: "Dead-letter queues end in -dlq.",
  docs: "https://example.com/rules/routes-name-a-queue",
  category: "custom",
  recommended: true,
  check({ set, report, options }) {
    for (const route of set.routes.values()) {
      const queue = route.value.spec.policies?.deadLetter?.queue ?? "";
      if (!queue.endsWith(options.suffix ?? "-dlq")) report({ document: route, path: ["spec", "policies", "deadLetter", "queue"], message: "queue " + queue + " does not end in -dlq" });
    }
  },
};
`;

describe("custom rules", () => {
  it("reports documents of the given kind for which a JSONata assertion is false", async () => {
    const policy = policyFile(`  customRules:
    - name: route-has-sla
      severity: error
      description: Every route states its business SLA.
      given: Route
      assert: $exists(spec.sla.within)
      message: this route states no business SLA
`);
    const { findings, raw } = await lintFiles({ ...cleanSet, ...policy });
    expect(findings).toEqual([{ code: "route-has-sla", message: "this route states no business SLA", at: "specs/routes/time-to-erp.yaml:4:9" }]);
    expect(raw[0]?.severity).toBe("error");
  });

  it("binds the whole model as $model", async () => {
    const policy = policyFile(`  customRules:
    - name: known-owner
      description: Every Ownership names a system of the set.
      given: Ownership
      assert: spec.systemOfRecord in $keys($model.systems)
`);
    expect((await lintFiles({ ...cleanSet, ...policy })).findings).toEqual([]);
  });

  it("runs a TypeScript module rule with its options from the policy", async () => {
    const policy = policyFile(`  rules:
    deadletter-suffix: { options: { suffix: "-dead" } }
  customRules:
    - name: deadletter-suffix
      description: Dead-letter queues end in the firm's suffix.
      module: ./rules/queue.rule.ts
`);
    const { findings, raw } = await lintFiles({ ...cleanSet, ...policy, "specs/rules/queue.rule.ts": moduleRule });
    expect(findings).toEqual([{ code: "deadletter-suffix", message: "queue time-dlq does not end in -dlq", at: "specs/routes/time-to-erp.yaml:18:26" }]);
    expect(raw[0]?.docs).toBe("https://example.com/rules/routes-name-a-queue");
  });

  it("runs the example module rule shipped in src/compiler/lint/examples", async () => {
    const example = readFileSync(resolve(import.meta.dirname, "../../src/compiler/lint/examples/erp-circuit-breaker.rule.ts"), "utf8");
    const policy = policyFile(`  customRules:
    - name: erp-circuit-breaker
      severity: error
      description: Routes that write to the ERP declare a circuit breaker.
      module: ./rules/erp-circuit-breaker.rule.ts
`);
    const { findings } = await lintFiles({ ...cleanSet, ...policy, "specs/rules/erp-circuit-breaker.rule.ts": example });
    expect(findings).toEqual([{ code: "erp-circuit-breaker", message: "this route writes to erp but declares no policies.circuitBreaker", at: "specs/routes/time-to-erp.yaml:15:3" }]);
  });

  it("reports a module that cannot be loaded, at its path", async () => {
    const policy = policyFile("  customRules:\n    - name: missing\n      description: Not there.\n      module: ./rules/missing.rule.ts\n");
    const { findings } = await lintFiles({ ...cleanSet, ...policy });
    expect(findings.map((f) => [f.code, f.at])).toEqual([["custom-rule-error", "specs/policy.yaml:12:15"]]);
    expect(findings[0]?.message).toMatch(/^custom rule 'missing': cannot load \.\/rules\/missing\.rule\.ts: /);
  });

  it("reports an assertion that does not parse", async () => {
    const policy = policyFile("  customRules:\n    - name: broken\n      description: Broken.\n      given: Route\n      assert: spec.(\n");
    const { findings } = await lintFiles({ ...cleanSet, ...policy });
    expect(findings.map((f) => [f.code, f.at])).toEqual([["custom-rule-error", "specs/policy.yaml:13:15"]]);
  });

  it("stops a runaway assertion with a finding instead of hanging", async () => {
    const policy = policyFile("  customRules:\n    - name: runaway\n      description: Recurses forever.\n      given: Route\n      assert: ($f := function($n) { $f($n + 1) }; $f(0))\n");
    const { findings } = await lintFiles({ ...cleanSet, ...policy });
    expect(findings.map((f) => [f.code, f.at])).toEqual([["custom-rule-error", "specs/policy.yaml:13:15"]]);
    expect(findings[0]?.message).toMatch(/^custom rule 'runaway': assert failed on Route\/time-to-erp: /);
  });

  it("reports a custom rule that declares both an assertion and a module", async () => {
    const policy = policyFile("  customRules:\n    - name: both\n      description: Both.\n      assert: \"true\"\n      module: ./x.ts\n");
    const { findings } = await lintFiles({ ...cleanSet, ...policy });
    expect(findings).toEqual([
      { code: "custom-rule-error", message: "custom rule 'both': declare either 'assert' (with 'given') or 'module', not both or neither", at: "specs/policy.yaml:10:7" },
    ]);
  });
});

/** A rule module whose loading leaves a mark on disk: proof that it ran. */
function markingModule(mark: string): string {
  return `import { writeFileSync } from "node:fs";
writeFileSync(${JSON.stringify(mark)}, "ran");
export const rule = { check() {} };
`;
}

function modulePolicy(module: string): Record<string, string> {
  return policyFile(`  customRules:
    - name: from-elsewhere
      description: A rule whose module lives somewhere.
      module: ${module}
`);
}

describe("rule modules are confined to the project root", () => {
  const made: string[] = [];
  const folder = () => {
    const dir = mkdtempSync(join(tmpdir(), "syncspec-outside-"));
    made.push(dir);
    return dir;
  };
  afterEach(() => {
    for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it("refuses a module reached with '..' out of the root, at its module key, without running it", async () => {
    const outside = folder();
    const mark = join(outside, "ran");
    writeFileSync(join(outside, "evil.mjs"), markingModule(mark));
    const { findings } = await lintFiles({ ...cleanSet, ...modulePolicy(`../../${basename(outside)}/evil.mjs`) });
    expect(findings).toEqual([
      {
        code: "rule-module-outside-root",
        message: `custom rule 'from-elsewhere': module '../../${basename(outside)}/evil.mjs' leads out of the project root with '..'; a rule module runs as code, so it must be a file inside the project root`,
        at: "specs/policy.yaml:12:15",
      },
    ]);
    expect(existsSync(mark)).toBe(false);
  });

  it("refuses a module named by an absolute path, without running it", async () => {
    const outside = folder();
    const mark = join(outside, "ran");
    writeFileSync(join(outside, "evil.mjs"), markingModule(mark));
    const { findings } = await lintFiles({ ...cleanSet, ...modulePolicy(join(outside, "evil.mjs")) });
    expect(findings.map((f) => [f.code, f.at])).toEqual([["rule-module-outside-root", "specs/policy.yaml:12:15"]]);
    expect(findings[0]?.message).toContain("is an absolute path or URL; write it relative to the Policy file");
    expect(existsSync(mark)).toBe(false);
  });

  it("refuses a module inside the root that is a symbolic link to a file outside it, without running it", async () => {
    const outside = folder();
    const mark = join(outside, "ran");
    writeFileSync(join(outside, "evil.mjs"), markingModule(mark));
    const root = writeSet({ ...cleanSet, ...modulePolicy("./rules/linked.mjs") });
    made.push(root);
    mkdirSync(join(root, "specs", "rules"));
    symlinkSync(join(outside, "evil.mjs"), join(root, "specs", "rules", "linked.mjs"));
    const result = await runCli(["lint", "--format", "json"], root);
    expect(result.code).toBe(1);
    const [finding, ...rest] = (JSON.parse(result.stdout) as { diagnostics: { code: string; message: string; line: number; column: number }[] }).diagnostics;
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({ code: "rule-module-outside-root", line: 12, column: 15 });
    expect(finding?.message).toContain(`is a symbolic link to ${join(outside, "evil.mjs")}, outside the project root`);
    expect(existsSync(mark)).toBe(false);
  });

  it("runs no rule module with --no-rule-modules and reports each as skipped, while the predicate rules still run", async () => {
    const outside = folder();
    const mark = join(outside, "ran");
    const policy = policyFile(`  customRules:
    - name: inside-module
      description: A rule module inside the root.
      module: ./rules/inside.mjs
    - name: route-has-sla
      description: Every route states its business SLA.
      given: Route
      assert: $exists(spec.sla.within)
      message: this route states no business SLA
`);
    const root = writeSet({ ...cleanSet, ...policy, "specs/rules/inside.mjs": markingModule(mark) });
    made.push(root);
    for (const command of ["lint", "compile"]) {
      const result = await runCli([command, "--no-rule-modules", "--format", "json"], root);
      const findings = (JSON.parse(result.stdout) as { diagnostics: { code: string; severity: string; message: string; line: number; column: number }[] }).diagnostics;
      expect(findings.map((f) => [f.code, f.severity, f.line, f.column])).toEqual([
        ["rule-module-skipped", "warn", 12, 15],
        ["route-has-sla", "warn", 4, 9],
      ]);
      expect(findings[0]?.message).toBe("custom rule 'inside-module' was not run: rule modules are off (--no-rule-modules), so whether its checks pass is unknown");
      expect(result.code).toBe(0);
      expect(existsSync(mark)).toBe(false);
    }
    expect((await runCli(["lint", "--format", "json"], root)).code).toBe(0);
    expect(existsSync(mark)).toBe(true);
  });
});
