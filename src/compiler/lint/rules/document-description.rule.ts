/** Hygiene: every document says what it declares, for the people who review and operate it. */
import { type LintRule, ruleDocs } from "../rule.ts";

export const documentDescriptionRule: LintRule = {
  name: "document-description",
  severity: "warn",
  description: "Every document has metadata.description.",
  docs: ruleDocs("document-description"),
  category: "hygiene",
  recommended: true,
  rationale:
    "Reviewers and operators read specs without their authors; a description says what the document is for.",
  examples: {
    failing: "metadata:\n  name: time-to-revenue\n  team: finance-ops",
    passing: "metadata:\n  name: time-to-revenue\n  team: finance-ops\n  description: Approved time is priced, its cost posted to the ERP and billable items queued.",
  },
  check({ set, report }) {
    for (const doc of set.documents) {
      if ((doc.value.metadata.description ?? "").trim() !== "") continue;
      report({ document: doc, path: ["metadata", "description"], part: "key", message: `${doc.kind} ${doc.name} has no metadata.description` });
    }
  },
};
