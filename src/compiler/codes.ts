/**
 * Every diagnostic code, compiler and lint alike, with its page: the front end's table with its
 * explanations, the built-in lint rules with their pages, and the custom rules of a project's
 * Policy. `spec explain` and `spec lint --explain` print from here.
 */
import { type Explanation, explanations } from "./diagnostics/explanations.ts";
import { type MessageCode, messages, type Severity } from "./diagnostics/messages.ts";
import { relative } from "node:path";
import type { PolicySpec } from "../model/index.ts";
import type { BoundDocument } from "./check/spec-set.ts";
import { rulePage } from "./lint/docs.ts";
import { findPolicy } from "./lint/policy.ts";
import { builtInRules } from "./lint/rules/index.ts";
import type { Program } from "./program.ts";

export interface CodeEntry {
  code: string;
  severity: Severity;
  origin: "compiler" | "lint" | "policy";
  /** One line: what the code reports. */
  summary: string;
  /** The Markdown page. */
  page(): string;
}

function compilerPage(code: MessageCode, explanation: Explanation): string {
  return [
    `# ${code}`,
    "",
    explanation.why,
    "",
    "- Reported by: the compiler (spec validate, spec compile, spec lint)",
    `- Severity: ${messages[code].severity}`,
    "",
    "## How to fix",
    "",
    explanation.fix,
    "",
  ].join("\n");
}

function compilerCodes(): CodeEntry[] {
  return (Object.keys(messages) as MessageCode[]).map((code) => ({
    code,
    severity: messages[code].severity,
    origin: "compiler",
    summary: explanations[code].why,
    page: () => compilerPage(code, explanations[code]),
  }));
}

function lintCodes(): CodeEntry[] {
  return builtInRules.map((rule) => ({ code: rule.name, severity: rule.severity, origin: "lint", summary: rule.description, page: () => rulePage(rule) }));
}

/** Every built-in code, compiler codes first, each group in its table's order. */
export function diagnosticCodes(): CodeEntry[] {
  return [...compilerCodes(), ...lintCodes()];
}

type CustomRuleSpec = NonNullable<PolicySpec["customRules"]>[number];

function customRulePage(rule: CustomRuleSpec, policy: BoundDocument<"Policy">, root: string): string {
  const facts = [
    `- Reported by: spec lint, a custom rule of Policy '${policy.value.metadata.name}' (${relative(root, policy.source.file.path)})`,
    `- Severity: ${rule.severity === undefined || rule.severity === "off" ? "warn" : rule.severity}`,
  ];
  if (rule.given !== undefined) facts.push(`- Looks at: ${rule.given} documents`);
  if (rule.assert !== undefined) facts.push(`- Requires: \`${rule.assert}\``);
  if (rule.module !== undefined) facts.push(`- Checked by the module: ${rule.module}`);
  if (rule.message !== undefined) facts.push(`- Reports: ${rule.message}`);
  return [`# ${rule.name}`, "", rule.description, "", ...facts, ""].join("\n");
}

/** The custom rules of the project's Policy, read from the spec set without running any of them. */
export function policyCodes(program: Program): CodeEntry[] {
  const [policy] = findPolicy(program);
  if (policy === undefined) return [];
  return (policy.value.spec.customRules ?? []).map((rule) => ({
    code: rule.name,
    severity: rule.severity === undefined || rule.severity === "off" ? "warn" : (rule.severity as Severity),
    origin: "policy",
    summary: rule.description,
    page: () => customRulePage(rule, policy, program.config.root),
  }));
}
