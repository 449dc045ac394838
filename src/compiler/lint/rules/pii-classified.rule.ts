/**
 * Data (strict): fields whose names say they hold personal data are classified, so the PII
 * clearance rule can follow them.
 */
import type { Field } from "../../../model/index.ts";
import type { PathSegment } from "../../parse/document.ts";
import { patternOption } from "../queries.ts";
import { type LintRule, ruleDocs } from "../rule.ts";

const DEFAULT_PATTERN = "^(e?mail|email[A-Z_].*|.*Email|phone.*|.*Phone|address|.*Address|dateOfBirth|birthDate|ssn|nationalId|taxId|personalTaxId|iban|bankAccount.*)$";

function visit(fields: Record<string, Field>, path: PathSegment[], out: (name: string, field: Field, path: PathSegment[]) => void): void {
  for (const [name, field] of Object.entries(fields)) {
    out(name, field, [...path, name]);
    if (field.fields !== undefined) visit(field.fields, [...path, name, "fields"], out);
  }
}

export const piiClassifiedRule: LintRule = {
  name: "pii-classified",
  severity: "warn",
  description: "Fields named like personal data (email, phone, address, tax or bank ids) carry a classification.",
  docs: ruleDocs("pii-classified"),
  category: "data",
  recommended: false,
  rationale:
    "The PII clearance rule can only follow fields that are classified. Fields named like personal data (email, phone, address, tax and bank ids) should say so. Enabled by `strict`.",
  examples: {
    failing: "fields:\n  email: { type: string }",
    passing: "fields:\n  email: { type: string, classification: pii }",
  },
  check({ set, report, options }) {
    const pattern = patternOption(options["pattern"], DEFAULT_PATTERN);
    for (const entity of set.entities.values()) {
      visit(entity.value.spec.fields, ["spec", "fields"], (name, field, path) => {
        if (field.classification !== undefined || !pattern.test(name)) return;
        report({ document: entity, path: [...path], part: "key", message: `${entity.name}.${name} looks like personal data but has no classification` });
      });
    }
  },
};
