/**
 * API governance: base URLs come from configuration (an environment variable, with an optional
 * default) and use https, as do the defaults of any URL a spec references.
 */
import type { PathSegment } from "../../parse/document.ts";
import { type LintRule, ruleDocs } from "../rule.ts";

function walk(value: unknown, path: PathSegment[], visit: (value: unknown, path: PathSegment[]) => void): void {
  visit(value, path);
  if (Array.isArray(value)) value.forEach((v, i) => walk(v, [...path, i], visit));
  else if (value !== null && typeof value === "object") for (const [k, v] of Object.entries(value)) walk(v, [...path, k], visit);
}

export const httpsBaseUrlRule: LintRule = {
  name: "https-base-url",
  severity: "error",
  description: "A system's base URL is read from an environment variable, and every URL default uses https.",
  docs: ruleDocs("https-base-url"),
  category: "api",
  recommended: true,
  rationale:
    "Base URLs differ per environment (sandbox, production), so they come from configuration; and credentials and financial data travel only over TLS.",
  examples: {
    failing: "baseUrl: { env: ERP_BASE_URL, default: \"http://erp.example.com/api\" }",
    passing: "baseUrl: { env: ERP_BASE_URL, default: \"https://erp.example.com/api\" }",
  },
  check({ set, report }) {
    for (const system of set.systems.values()) {
      if (!("env" in system.value.spec.baseUrl)) {
        report({ document: system, path: ["spec", "baseUrl"], message: `the base URL of ${system.name} should come from an environment variable ({ env: NAME, default: https://... })` });
      }
      walk(system.value.spec, ["spec"], (value, path) => {
        if (path[path.length - 1] !== "default" || typeof value !== "string") return;
        if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(value) || /^https:\/\//i.test(value)) return;
        report({ document: system, path, message: `'${value}' does not use https` });
      });
    }
  },
};
