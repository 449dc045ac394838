/**
 * Custom rules from the Policy: a JSONata predicate (`given` a kind, `assert` over each document
 * of that kind; false is a finding) or a TypeScript module (relative to the Policy file) that
 * exports a rule with the built-in interface. Loading is asynchronous (module import, predicate
 * evaluation); the rules it returns run synchronously with the built-ins.
 *
 * A rule module is code that runs with the compiler's rights, so it is trusted: it must be a file
 * inside the project root (no absolute path, no `..` out of it, no symbolic link leading out), and
 * a run that must not execute a pull request's code turns modules off (`ruleModules: false`): each
 * module rule is then reported as skipped, never as passed.
 */
import { realpathSync } from "node:fs";
import { dirname, isAbsolute, relative, resolve, sep, win32 } from "node:path";
import { pathToFileURL } from "node:url";
import type { PolicySpec } from "../../model/index.ts";
import type { BoundDocument, SpecSet } from "../check/spec-set.ts";
import { scanJsonata } from "../check/jsonata-slips.ts";
import { diagnostic, type Diagnostic } from "../diagnostics/diagnostic.ts";
import type { Program } from "../program.ts";
import { findPolicy } from "./policy.ts";
import { compilePredicate } from "./predicate.ts";
import type { LintRule } from "./rule.ts";

type CustomRuleSpec = NonNullable<PolicySpec["customRules"]>[number];

/** The values of the whole set, bound as `$model` in predicates: `$model.systems.psa.spec.role`. */
function modelOf(set: SpecSet): Record<string, Record<string, unknown>> {
  const table = (docs: ReadonlyMap<string, BoundDocument>) => Object.fromEntries([...docs].map(([name, d]) => [name, d.value]));
  return {
    systems: table(set.systems),
    entities: table(set.entities),
    ownerships: table(set.ownerships),
    mappings: table(set.mappings),
    routes: table(set.routes),
    reconciliations: table(set.reconciliations),
    policies: table(set.policies),
  };
}

function base(spec: CustomRuleSpec, policy: BoundDocument<"Policy">): Omit<LintRule, "check"> {
  return {
    name: spec.name,
    severity: spec.severity === undefined || spec.severity === "off" ? "warn" : (spec.severity as LintRule["severity"]),
    description: spec.description,
    docs: policy.source.file.path,
    category: "custom",
    recommended: true,
  };
}

async function predicateRule(program: Program, policy: BoundDocument<"Policy">, spec: CustomRuleSpec, index: number): Promise<[LintRule | undefined, Diagnostic[]]> {
  const at = (key: string) => policy.source.locate(["spec", "customRules", index, key]);
  let predicate: ReturnType<typeof compilePredicate>;
  try {
    predicate = compilePredicate(spec.assert ?? "");
  } catch (error) {
    const slip = scanJsonata(spec.assert ?? "").slips[0];
    const detail = `assert does not parse: ${(error as Error).message}${slip === undefined ? "" : `; ${slip.hint}`}`;
    return [undefined, [diagnostic("custom-rule-error", { name: spec.name, detail }, at("assert"))]];
  }
  const model = modelOf(program.set);
  const failing: BoundDocument[] = [];
  for (const doc of program.set.documents) {
    if (spec.given !== undefined && doc.kind !== spec.given) continue;
    try {
      const result = await predicate(doc.value, { model });
      if (result === false || result === undefined || result === null) failing.push(doc);
    } catch (error) {
      const detail = `assert failed on ${doc.kind}/${doc.name}: ${(error as Error).message}`;
      return [undefined, [diagnostic("custom-rule-error", { name: spec.name, detail }, at("assert"))]];
    }
  }
  const message = spec.message ?? spec.description;
  return [
    {
      ...base(spec, policy),
      check({ report }) {
        for (const document of failing) report({ document, path: ["metadata", "name"], message });
      },
    },
    [],
  ];
}

function isRule(value: unknown): value is Pick<LintRule, "check"> & Partial<LintRule> {
  return value !== null && typeof value === "object" && typeof (value as { check?: unknown }).check === "function";
}

/** Whether `path` is `root` or inside it (both absolute and normalised). */
function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === "" || (rel !== ".." && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

/**
 * Where a rule module may be loaded from: its real path when it lies inside the project root,
 * otherwise why not. A module that does not exist is left to the import to report.
 */
function confine(root: string, from: string, module: string): { path: string } | { why: string } {
  if (isAbsolute(module) || win32.isAbsolute(module) || /^[a-z][a-z0-9+.-]*:/i.test(module)) return { why: "is an absolute path or URL; write it relative to the Policy file" };
  const path = resolve(from, module);
  if (!inside(root, path)) return { why: "leads out of the project root with '..'" };
  let real: string;
  try {
    real = realpathSync(path);
  } catch {
    return { path };
  }
  let realRoot: string;
  try {
    realRoot = realpathSync(root);
  } catch {
    realRoot = root;
  }
  if (!inside(realRoot, real)) return { why: `is a symbolic link to ${real}, outside the project root` };
  return { path: real };
}

/**
 * Loads a rule module. Plain Node loads JavaScript; a rule written in TypeScript, which the
 * installed CLI's plain Node cannot load, goes through tsx's loader (a dependency of the CLI).
 */
async function importRuleModule(path: string): Promise<Record<string, unknown>> {
  const url = pathToFileURL(path).href;
  try {
    return (await import(url)) as Record<string, unknown>;
  } catch (error) {
    if ((error as { code?: unknown }).code !== "ERR_UNKNOWN_FILE_EXTENSION" || !/\.[cm]?ts$/.test(path)) throw error;
    const { tsImport } = await import("tsx/esm/api");
    return (await tsImport(url, import.meta.url)) as Record<string, unknown>;
  }
}

async function moduleRule(program: Program, policy: BoundDocument<"Policy">, spec: CustomRuleSpec, index: number, run: boolean): Promise<[LintRule | undefined, Diagnostic[]]> {
  const at = policy.source.locate(["spec", "customRules", index, "module"]);
  const module = spec.module ?? "";
  const place = confine(program.config.root, dirname(policy.source.file.path), module);
  if ("why" in place) return [undefined, [diagnostic("rule-module-outside-root", { name: spec.name, module, why: place.why }, at)]];
  if (!run) return [undefined, [diagnostic("rule-module-skipped", { name: spec.name }, at)]];
  let exports: Record<string, unknown>;
  try {
    exports = await importRuleModule(place.path);
  } catch (error) {
    return [undefined, [diagnostic("custom-rule-error", { name: spec.name, detail: `cannot load ${module}: ${(error as Error).message}` }, at)]];
  }
  const candidate = [exports["default"], exports["rule"], ...Object.values(exports)].find(isRule);
  if (candidate === undefined) {
    return [undefined, [diagnostic("custom-rule-error", { name: spec.name, detail: `${module} exports no rule (an object with a check function)` }, at)]];
  }
  return [{ ...base(spec, policy), ...(candidate.docs === undefined ? {} : { docs: candidate.docs }), check: candidate.check.bind(candidate) }, []];
}

/** How custom rules load. */
export interface CustomRuleOptions {
  /**
   * Whether rule modules run (default true). False for a spec set whose code is not trusted (a
   * pull request's): each module rule is then reported as skipped (`rule-module-skipped`).
   */
  ruleModules?: boolean;
}

/** Loads the custom rules the governing Policy declares. */
export async function loadCustomRules(program: Program, options: CustomRuleOptions = {}): Promise<[LintRule[], Diagnostic[]]> {
  const [policy] = findPolicy(program);
  if (policy === undefined) return [[], []];
  const rules: LintRule[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const [index, spec] of (policy.value.spec.customRules ?? []).entries()) {
    const hasPredicate = spec.assert !== undefined;
    const hasModule = spec.module !== undefined;
    if (hasPredicate === hasModule) {
      const detail = "declare either 'assert' (with 'given') or 'module', not both or neither";
      diagnostics.push(diagnostic("custom-rule-error", { name: spec.name, detail }, policy.source.locate(["spec", "customRules", index], "value")));
      continue;
    }
    const [rule, errors] = hasModule ? await moduleRule(program, policy, spec, index, options.ruleModules ?? true) : await predicateRule(program, policy, spec, index);
    diagnostics.push(...errors);
    if (rule !== undefined) rules.push(rule);
  }
  return [rules, diagnostics];
}
