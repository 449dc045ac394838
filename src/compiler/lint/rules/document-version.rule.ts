/** API governance: every document carries a semantic version, so `spec breaking` can hold changes to it. */
import { type LintRule, ruleDocs } from "../rule.ts";

export const documentVersionRule: LintRule = {
  name: "document-version",
  severity: "warn",
  description: "Every document declares metadata.version, a semantic version a breaking change must bump.",
  docs: ruleDocs("document-version"),
  category: "api",
  recommended: true,
  check({ set, report }) {
    for (const doc of set.documents) {
      if (doc.value.metadata.version !== undefined) continue;
      report({ document: doc, path: ["metadata", "version"], part: "key", message: `${doc.kind} ${doc.name} declares no metadata.version` });
    }
  },
};
