/**
 * Data: money is decimal, never a binary float. A canonical field that holds an amount (its
 * name says so) must be `money` or `decimal`; `number` would round cents.
 */
import type { Field } from "../../../model/index.ts";
import type { PathSegment } from "../../parse/document.ts";
import { patternOption } from "../queries.ts";
import { type LintRule, ruleDocs } from "../rule.ts";

const DEFAULT_PATTERN = "(amount|price|rate|cost|total|fee|tax|balance|revenue|budget|subtotal|discount)";

function visit(fields: Record<string, Field>, path: PathSegment[], out: (name: string, path: PathSegment[]) => void): void {
  for (const [name, field] of Object.entries(fields)) {
    const here = [...path, name];
    if (field.type === "number") out(name, here);
    if (field.fields !== undefined) visit(field.fields, [...here, "fields"], out);
    if (field.items !== undefined) {
      if (field.items.type === "number") out(name, [...here, "items"]);
      if (field.items.fields !== undefined) visit(field.items.fields, [...here, "items", "fields"], out);
    }
  }
}

export const moneyDecimalRule: LintRule = {
  name: "money-decimal",
  severity: "error",
  description: "Amounts are `money` or `decimal`, never `number` (a binary float).",
  docs: ruleDocs("money-decimal"),
  category: "data",
  recommended: true,
  rationale:
    "Binary floats cannot hold 0.10 exactly; sums of them drift by cents, and reconciliations then disagree. Amounts are `money` (decimal with a currency) or `decimal`.",
  examples: {
    failing: "fields:\n  billAmount: { type: number }",
    passing: "fields:\n  billAmount: { type: money, currencyField: currency, scale: 2 }\n  currency: { type: currency }",
  },
  check({ set, report, options }) {
    const pattern = patternOption(options["pattern"], DEFAULT_PATTERN, "i");
    const every = options["allNumbers"] === true;
    for (const entity of set.entities.values()) {
      visit(entity.value.spec.fields, ["spec", "fields"], (name, path) => {
        if (!every && !pattern.test(name)) return;
        report({
          document: entity,
          path: [...path, "type"],
          message: `${entity.name}.${name} is a number (a binary float); amounts must be 'money' or 'decimal'`,
        });
      });
    }
  },
};
