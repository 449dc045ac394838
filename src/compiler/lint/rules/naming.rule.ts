/** Hygiene: document names follow the firm's patterns, per kind (policy `naming`). */
import type { KindName } from "../../../model/index.ts";
import { patternOption } from "../queries.ts";
import { type LintRule, ruleDocs } from "../rule.ts";

/** The patterns used when the policy's `naming` does not set one for a kind. */
export const DEFAULT_NAMING: Readonly<Record<KindName, string>> = {
  System: "^[a-z][a-z0-9-]*$",
  Entity: "^[A-Z][A-Za-z0-9]*$",
  Ownership: "^[a-z][a-z0-9-]*$",
  Mapping: "^[a-z][a-z0-9-]*$",
  Route: "^[a-z][a-z0-9-]*$",
  Reconciliation: "^[a-z][a-z0-9-]*$",
  Policy: "^[a-z][a-z0-9-]*$",
};

export const namingRule: LintRule = {
  name: "naming",
  severity: "warn",
  description: "Document names match the pattern for their kind (Entity PascalCase, the others kebab-case, or the policy's `naming`).",
  docs: ruleDocs("naming"),
  category: "hygiene",
  recommended: true,
  rationale:
    "Consistent names make specs searchable and generated identifiers predictable. Entities are PascalCase, other documents kebab-case, unless the policy's `naming` sets other patterns.",
  examples: {
    failing: "kind: Route\nmetadata: { name: TimeToRevenue }",
    passing: "kind: Route\nmetadata: { name: time-to-revenue }",
  },
  check({ set, report, options }) {
    const naming = (options["naming"] ?? {}) as Partial<Record<KindName, string>>;
    const compiled = new Map<string, RegExp>();
    for (const doc of set.documents) {
      let re = compiled.get(doc.kind);
      if (re === undefined) {
        re = patternOption(naming[doc.kind], DEFAULT_NAMING[doc.kind], "u");
        compiled.set(doc.kind, re);
      }
      const pattern = re.source;
      if (re.test(doc.name)) continue;
      report({ document: doc, path: ["metadata", "name"], message: `${doc.kind} name '${doc.name}' does not match ${pattern}` });
    }
  },
};
