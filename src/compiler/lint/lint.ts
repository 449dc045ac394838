/**
 * The lint stage: runs the built-in rules and the Policy's custom rules over a loaded program,
 * then applies the policy (severities, per-file overrides, exceptions) and a baseline.
 * `lintProgram` is synchronous and runs the rules it is given; `lintProject` first loads the
 * Policy's custom rules (module imports and JSONata predicates are asynchronous).
 */
import { relative, sep } from "node:path";
import { diagnostic, type Diagnostic, sortDiagnostics } from "../diagnostics/diagnostic.ts";
import type { Severity } from "../diagnostics/messages.ts";
import type { Program } from "../program.ts";
import { loadCustomRules } from "./custom-rules.ts";
import { fingerprintOf } from "./fingerprint.ts";
import { type ResolvedPolicy, resolvePolicy } from "./policy.ts";
import type { LintRule, RuleReport } from "./rule.ts";
import { builtInRules } from "./rules/index.ts";

/** Options of a lint run. */
export interface LintOptions {
  /** Rules loaded beyond the built-ins (the Policy's custom rules; see `lintProject`). */
  customRules?: readonly LintRule[];
  /** Fingerprints of accepted findings (a baseline); matching findings are dropped. */
  baseline?: ReadonlySet<string>;
  /** Today's date, `YYYY-MM-DD`, for exception expiry (default: the real date, UTC). */
  today?: string;
  /** Whether the Policy's rule modules run (default true); see `CustomRuleOptions`. */
  ruleModules?: boolean;
}

/** A lint finding: a diagnostic with where it is in the model, for baselines and SARIF. */
export interface LintDiagnostic extends Diagnostic {
  /** Stable across line shifts: rule, document and path. Empty for findings about the policy file itself. */
  fingerprint: string;
  /** The document, written `Kind/name`. */
  target: string;
}

/** Every rule a run may use: the built-ins, then the custom ones. */
export function allRules(customRules: readonly LintRule[] = []): LintRule[] {
  return [...builtInRules, ...customRules];
}

function relativeFile(program: Program, path: string): string {
  return relative(program.config.root, path).split(sep).join("/");
}

function asLint(d: Diagnostic, target: string): LintDiagnostic {
  return { ...d, fingerprint: "", target };
}

function runRule(program: Program, rule: LintRule, policy: ResolvedPolicy, out: RuleReport[], errors: Diagnostic[]): void {
  const context = { set: program.set, program, options: policy.optionsOf(rule), report: (r: RuleReport) => out.push(r) };
  if (rule.category !== "custom") {
    rule.check(context);
    return;
  }
  try {
    rule.check(context);
  } catch (error) {
    errors.push(diagnostic("custom-rule-error", { name: rule.name, detail: `check threw: ${(error as Error).message}` }, undefined));
  }
}

/** Lints a loaded program; returns the findings, sorted. */
export function lintProgram(program: Program, options: LintOptions = {}): LintDiagnostic[] {
  const rules = allRules(options.customRules);
  const [policy, policyErrors] = resolvePolicy(program, rules);
  const today = options.today ?? new Date().toISOString().slice(0, 10);
  const policyTarget = policy.document === undefined ? "" : `Policy/${policy.document.name}`;
  const out: LintDiagnostic[] = policyErrors.map((d) => asLint(d, policyTarget));

  const live = new Map<string, boolean>();
  for (const e of policy.exceptions) {
    const expired = e.expires !== undefined && e.expires < today;
    if (!expired) live.set(`${e.rule}\u0000${e.target}`, true);
    else if (policy.document !== undefined) {
      const location = policy.document.source.locate(["spec", "exceptions", e.index, "expires"]);
      out.push(asLint(diagnostic("expired-exception", { rule: e.rule, target: e.target, expires: e.expires ?? "" }, location), policyTarget));
    }
  }

  const occurrences = new Map<string, number>();
  for (const rule of rules) {
    if (!policy.mayRun(rule)) continue;
    const reports: RuleReport[] = [];
    const errors: Diagnostic[] = [];
    runRule(program, rule, policy, reports, errors);
    out.push(...errors.map((d) => asLint(d, policyTarget)));
    for (const r of reports) {
      const location = r.range === undefined ? r.document.source.locate(r.path, r.part ?? "value") : { file: r.document.source.file, ...r.range };
      const severity = policy.severityOf(rule, relativeFile(program, location.file.path));
      if (severity === "off") continue;
      const target = `${r.document.kind}/${r.document.name}`;
      if (live.has(`${rule.name}\u0000${target}`)) continue;
      const base = fingerprintOf(rule.name, target, r.path);
      const seen = occurrences.get(base) ?? 0;
      occurrences.set(base, seen + 1);
      out.push({
        code: rule.name,
        severity: severity as Severity,
        message: r.message,
        location,
        docs: rule.docs,
        fingerprint: fingerprintOf(rule.name, target, r.path, seen),
        target,
      });
    }
  }
  const kept = options.baseline === undefined ? out : out.filter((d) => d.fingerprint === "" || !options.baseline?.has(d.fingerprint));
  return sortDiagnostics(kept) as LintDiagnostic[];
}

/** The outcome of a whole lint run: the findings and every rule that could have reported them. */
export interface LintRun {
  findings: LintDiagnostic[];
  rules: LintRule[];
}

/** Loads the Policy's custom rules, then lints; returns the findings and the rules in play. */
export async function lintRun(program: Program, options: LintOptions = {}): Promise<LintRun> {
  const [loaded, errors] = await loadCustomRules(program, options.ruleModules === undefined ? {} : { ruleModules: options.ruleModules });
  const customRules = [...(options.customRules ?? []), ...loaded];
  const findings = lintProgram(program, { ...options, customRules });
  return { findings: sortDiagnostics([...errors.map((d) => asLint(d, "")), ...findings]) as LintDiagnostic[], rules: allRules(customRules) };
}

/** Loads the Policy's custom rules, then lints; what `spec lint` and `spec compile` run. */
export async function lintProject(program: Program, options: LintOptions = {}): Promise<LintDiagnostic[]> {
  return (await lintRun(program, options)).findings;
}
