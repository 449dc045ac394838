/**
 * Every diagnostic code, compiler and lint alike, with its page: the front end's table with its
 * explanations, and the built-in lint rules with their pages. `spec explain` and
 * `spec lint --explain` print from here.
 */
import { type Explanation, explanations } from "./diagnostics/explanations.ts";
import { type MessageCode, messages, type Severity } from "./diagnostics/messages.ts";
import { rulePage } from "./lint/docs.ts";
import { builtInRules } from "./lint/rules/index.ts";

export interface CodeEntry {
  code: string;
  severity: Severity;
  origin: "compiler" | "lint";
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

/** Every code, compiler codes first, each group in its table's order. */
export function diagnosticCodes(): CodeEntry[] {
  return [...compilerCodes(), ...lintCodes()];
}
