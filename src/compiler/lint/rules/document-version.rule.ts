/** API governance: every document carries a semantic version, so `spec breaking` can hold changes to it. */
import { type LintRule, ruleDocs } from "../rule.ts";

export const documentVersionRule: LintRule = {
  name: "document-version",
  severity: "warn",
  description: "Every document declares metadata.version, a semantic version a breaking change must bump.",
  docs: ruleDocs("document-version"),
  category: "api",
  recommended: true,
  rationale:
    "`spec breaking` holds each breaking change to a breaking version bump of the changed document (a new major version, or a new minor version while it is 0.x); a document without a version cannot be held to it.",
  examples: {
    failing: "metadata:\n  name: Invoice\n  team: billing-ops",
    passing: "metadata:\n  name: Invoice\n  version: 1.2.0\n  team: billing-ops",
  },
  check({ set, report }) {
    for (const doc of set.documents) {
      if (doc.value.metadata.version !== undefined) continue;
      report({ document: doc, path: ["metadata", "version"], part: "key", message: `${doc.kind} ${doc.name} declares no metadata.version` });
    }
  },
};
