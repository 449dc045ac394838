/**
 * The policy that governs a lint run: the Policy document the project file names (or the only
 * one), resolved into a severity and options per rule, per-file overrides and exceptions.
 * Without a Policy the `recommended` set applies.
 */
import type { PolicySpec } from "../../model/index.ts";
import type { BoundDocument } from "../check/spec-set.ts";
import { diagnostic, type Diagnostic } from "../diagnostics/diagnostic.ts";
import { nameHint } from "../diagnostics/suggest.ts";
import type { Program } from "../program.ts";
import { globToRegExp } from "../sources.ts";
import type { LintRule, RuleSeverity } from "./rule.ts";

/** A rule's setting as the policy writes it. */
type RuleSetting = NonNullable<PolicySpec["rules"]>[string];

/** The breaking-change levels, from the narrowest to the widest. */
export const BREAKING_LEVELS = ["event-consumers", "adapters", "stored-data"] as const;
export type BreakingLevel = (typeof BREAKING_LEVELS)[number];

/** An exception, resolved. */
export interface PolicyException {
  rule: string;
  target: string;
  reason: string;
  expires: string | undefined;
  index: number;
}

/** The policy in force. */
export interface ResolvedPolicy {
  document: BoundDocument<"Policy"> | undefined;
  ruleset: "recommended" | "strict";
  exceptions: readonly PolicyException[];
  breakingLevel: BreakingLevel;
  /** The severity of a rule for a file (path relative to the project root). */
  severityOf(rule: LintRule, relativeFile: string | undefined): RuleSeverity;
  /** The options a rule runs with. */
  optionsOf(rule: LintRule): Record<string, unknown>;
  /** True when some file may have the rule on (so it must run). */
  mayRun(rule: LintRule): boolean;
}

/** Finds the governing Policy document: the one the project file names, or the only one. */
export function findPolicy(program: Program): [BoundDocument<"Policy"> | undefined, Diagnostic[]] {
  const named = program.config.policy;
  const policies = program.set.policies;
  if (named !== undefined) {
    const found = policies.get(named);
    if (found !== undefined) return [found, []];
    // The named policy may be outside the paths being linted; say so only when a Policy is in view.
    if (policies.size === 0) return [undefined, []];
    return [undefined, [diagnostic("unknown-policy", { name: named }, undefined)]];
  }
  return policies.size === 1 ? [[...policies.values()][0], []] : [undefined, []];
}

function severityIn(setting: RuleSetting | undefined): RuleSeverity | undefined {
  if (setting === undefined) return undefined;
  return typeof setting === "string" ? (setting as RuleSeverity) : (setting.severity as RuleSeverity | undefined);
}

/** The severity a ruleset gives a rule before the policy's own settings. */
export function rulesetSeverity(rule: LintRule, ruleset: "recommended" | "strict"): RuleSeverity {
  if (ruleset === "strict") return rule.severity === "warn" ? "error" : rule.severity;
  return rule.recommended ? rule.severity : "off";
}

/** Resolves the policy against the known rules; reports rule names it does not know. */
export function resolvePolicy(program: Program, rules: readonly LintRule[]): [ResolvedPolicy, Diagnostic[]] {
  const [document, diagnostics] = findPolicy(program);
  const spec: PolicySpec = document?.value.spec ?? {};
  const ruleset = spec.extends ?? "recommended";
  const names = rules.map((r) => r.name);
  const known = new Set(names);
  const expectRule = (name: string, path: (string | number)[], part: "key" | "value") => {
    if (known.has(name) || document === undefined) return;
    diagnostics.push(diagnostic("unknown-rule", { name, ...nameHint(name, names) }, document.source.locate(path, part)));
  };
  for (const name of Object.keys(spec.rules ?? {})) expectRule(name, ["spec", "rules", name], "key");
  const overrides = (spec.overrides ?? []).map((o, i) => {
    for (const name of Object.keys(o.rules)) expectRule(name, ["spec", "overrides", i, "rules", name], "key");
    return { files: o.files.map(globToRegExp), rules: o.rules };
  });
  const exceptions = (spec.exceptions ?? []).map((e, index) => {
    expectRule(e.rule, ["spec", "exceptions", index, "rule"], "value");
    return { rule: e.rule, target: e.target, reason: e.reason, expires: e.expires, index };
  });
  const expectPattern = (value: unknown, path: (string | number)[], flags: string) => {
    if (typeof value !== "string" || document === undefined) return;
    try {
      new RegExp(value, flags);
    } catch (error) {
      const where = path.join(".");
      diagnostics.push(diagnostic("invalid-value", { where, rule: `is not a valid regular expression (${(error as Error).message})` }, document.source.locate(path)));
    }
  };
  for (const [kind, pattern] of Object.entries(spec.naming ?? {})) expectPattern(pattern, ["spec", "naming", kind], "u");
  for (const [name, setting] of Object.entries(spec.rules ?? {})) {
    if (typeof setting === "object") expectPattern(setting.options?.["pattern"], ["spec", "rules", name, "options", "pattern"], "");
  }
  const base = (rule: LintRule) => severityIn(spec.rules?.[rule.name]) ?? rulesetSeverity(rule, ruleset);
  return [
    {
      document,
      ruleset,
      exceptions,
      breakingLevel: (spec.breaking?.level as BreakingLevel | undefined) ?? "stored-data",
      severityOf(rule, file) {
        let severity = base(rule);
        if (file === undefined) return severity;
        for (const o of overrides) {
          const set = severityIn(o.rules[rule.name]);
          if (set !== undefined && o.files.some((re) => re.test(file))) severity = set;
        }
        return severity;
      },
      optionsOf(rule) {
        const setting = spec.rules?.[rule.name];
        const options = typeof setting === "object" ? { ...(setting.options ?? {}) } : {};
        if (rule.name === "naming" && spec.naming !== undefined) options["naming"] = { ...spec.naming, ...(options["naming"] as object) };
        return options;
      },
      mayRun(rule) {
        return base(rule) !== "off" || overrides.some((o) => (severityIn(o.rules[rule.name]) ?? "off") !== "off");
      },
    },
    diagnostics,
  ];
}
