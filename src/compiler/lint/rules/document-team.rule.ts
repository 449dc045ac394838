/** Hygiene: every document has an owning team, who reviews its changes and answers for it. */
import { type LintRule, ruleDocs } from "../rule.ts";

export const documentTeamRule: LintRule = {
  name: "document-team",
  severity: "warn",
  description: "Every document names its owning team in metadata.team.",
  docs: ruleDocs("document-team"),
  category: "hygiene",
  recommended: true,
  rationale:
    "Every document needs an owning team: who reviews its changes, who is paged when it breaks.",
  examples: {
    failing: "metadata:\n  name: time-to-revenue",
    passing: "metadata:\n  name: time-to-revenue\n  team: finance-ops",
  },
  check({ set, report }) {
    for (const doc of set.documents) {
      if (doc.value.metadata.team !== undefined) continue;
      report({ document: doc, path: ["metadata", "team"], part: "key", message: `${doc.kind} ${doc.name} names no owning team (metadata.team)` });
    }
  },
};
