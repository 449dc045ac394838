/**
 * Data: a mapping sets every required field of its target. Checked where the expression ends in
 * an object constructor with literal keys; other expressions are left to `spec test`.
 */
import { shapeOf } from "../../check/spec-set.ts";
import { outputKeys } from "../queries.ts";
import { type LintRule, ruleDocs } from "../rule.ts";

export const mappingRequiredFieldsRule: LintRule = {
  name: "mapping-required-fields",
  severity: "error",
  description: "A mapping's expression sets every required field of its target shape.",
  docs: ruleDocs("mapping-required-fields"),
  category: "data",
  recommended: true,
  rationale:
    "A mapping that leaves a required field of its target unset produces requests the target rejects, or canonical records that fail validation downstream.",
  examples: {
    failing: "target: { system: erp, schema: Journal }   # required: [reference, hours]\nexpression: |\n  { \"reference\": timeEntryId }",
    passing: "target: { system: erp, schema: Journal }\nexpression: |\n  { \"reference\": timeEntryId, \"hours\": $string(minutes / 60) }",
  },
  check({ set, report }) {
    for (const mapping of set.mappings.values()) {
      const target = shapeOf(set, mapping.value.spec.target);
      const keys = outputKeys(mapping.value.spec.expression);
      if (target?.fields === undefined || keys === undefined) continue;
      const set_ = new Set(keys.map((k) => k.name));
      const missing = [...target.fields.values()].filter((f) => f.required && !set_.has(f.name)).map((f) => f.name);
      if (missing.length === 0) continue;
      report({
        document: mapping,
        path: ["spec", "expression"],
        part: "key",
        message: `the expression leaves required field${missing.length === 1 ? "" : "s"} of ${target.label} unset: ${missing.join(", ")}`,
      });
    }
  },
};
