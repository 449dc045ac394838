/**
 * Data: PII goes only to systems cleared for it. A step that delivers a record carrying PII
 * fields (classified `pii` in the mapping's target, or read from `pii` fields of its source) to a
 * system whose `classification` does not include `pii` is a finding.
 */
import { shapeOf } from "../../check/spec-set.ts";
import { deliveries, escapeRegExp, outputKeys } from "../queries.ts";
import { type LintRule, ruleDocs } from "../rule.ts";

export const piiClearanceRule: LintRule = {
  name: "pii-clearance",
  severity: "error",
  description: "Fields classified `pii` are only sent to systems whose classification includes `pii`.",
  docs: ruleDocs("pii-clearance"),
  category: "data",
  recommended: true,
  rationale:
    "Personal data may only go to systems cleared to hold it (GDPR, client contracts). A delivery that carries fields classified `pii` to a system whose `classification` lacks `pii` leaks it.",
  examples: {
    failing: "# erp: classification [internal, confidential]\n# the mapping's target schema has email: { type: string, x-classification: pii }\nsteps:\n  - deliver: { operation: erp.upsertEmployee, mapping: resource-to-employee }",
    passing: "# erp: classification [internal, confidential, pii]\nsteps:\n  - deliver: { operation: erp.upsertEmployee, mapping: resource-to-employee }",
  },
  check({ set, report }) {
    for (const d of deliveries(set)) {
      const system = set.systems.get(d.system);
      if (system === undefined || d.mapping === undefined) continue;
      if ((system.value.spec.classification ?? []).includes("pii")) continue;
      const spec = d.mapping.value.spec;
      const sent = new Set<string>();
      const target = shapeOf(set, spec.target);
      const keys = outputKeys(spec.expression);
      for (const field of target?.fields?.values() ?? []) {
        if (field.classification === "pii" && (keys === undefined || keys.some((k) => k.name === field.name))) sent.add(field.name);
      }
      const source = shapeOf(set, spec.source);
      for (const field of source?.fields?.values() ?? []) {
        if (field.classification === "pii" && new RegExp(`\\b${escapeRegExp(field.name)}\\b`).test(spec.expression)) sent.add(field.name);
      }
      if (sent.size === 0) continue;
      report({
        document: d.route,
        path: [...d.path, "operation"],
        message: `this step sends PII (${[...sent].sort().join(", ")}) to ${d.system}, which is not cleared for pii`,
      });
    }
  },
};
