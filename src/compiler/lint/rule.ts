/**
 * The rule interface: what a lint rule declares about itself and what it may see and report.
 * Built-in rules, TypeScript module rules and JSONata rules from a Policy all take this shape.
 */
import type { BoundDocument, SpecSet } from "../check/spec-set.ts";
import type { PathSegment } from "../parse/document.ts";
import type { Program } from "../program.ts";

/** A severity a rule can be set to; `off` disables it. */
export type RuleSeverity = "off" | "hint" | "info" | "warn" | "error";

/** What a rule is about, for docs and for choosing rules by theme. */
export type RuleCategory = "ownership" | "reliability" | "api" | "data" | "hygiene" | "custom";

/** One finding as a rule reports it: a message about a place in a document. */
export interface RuleReport {
  message: string;
  document: BoundDocument;
  /** The path inside the document; the finding is located at that value (or key). */
  path: readonly PathSegment[];
  /** Point at the key rather than the value (for example a missing section named by its parent key). */
  part?: "key" | "value";
  /** An exact file range inside the value (for example a token inside a JSONata text). */
  range?: { start: number; end: number };
}

/** What a rule's check receives. */
export interface RuleContext {
  set: SpecSet;
  program: Program;
  /** The rule's options from the policy (`rules.<name>.options`), or an empty object. */
  options: Readonly<Record<string, unknown>>;
  report(finding: RuleReport): void;
}

/** A lint rule. */
export interface LintRule {
  /** Kebab-case and stable: it is the diagnostic code and the SARIF rule id. */
  name: string;
  /** The severity when the policy does not set one. */
  severity: Exclude<RuleSeverity, "off">;
  /** One sentence: what the rule requires. */
  description: string;
  /** Where the rule's page is: `docs/rules/<name>.md`, or a module rule's own link. */
  docs: string;
  category: RuleCategory;
  /** True when `recommended` enables the rule; `strict` enables every rule. */
  recommended: boolean;
  /** Why the rule exists, for its docs page. */
  rationale?: string;
  /** Short YAML excerpts for the docs page: one the rule reports, one it accepts. */
  examples?: { failing: string; passing: string };
  check(context: RuleContext): void;
}

/** The docs link of a built-in rule. */
export function ruleDocs(name: string): string {
  return `docs/rules/${name}.md`;
}
