/** The shape shared by the reliability rules: each side-effecting route must declare one thing. */
import type { PathSegment } from "../../parse/document.ts";
import type { RouteSpec } from "../../../model/index.ts";
import { isSideEffecting } from "../queries.ts";
import { type LintRule, ruleDocs } from "../rule.ts";

/** What one reliability rule requires of a side-effecting route. */
export interface RouteRequirement {
  name: string;
  description: string;
  /** Where the declaration goes, for the location of the finding. */
  path: readonly PathSegment[];
  /** The message when it is missing. */
  missing: string;
  present(spec: RouteSpec): boolean;
  rationale: string;
  examples: { failing: string; passing: string };
}

/** Makes a rule that reports side-effecting routes lacking a declaration. */
export function routeRequirementRule(requirement: RouteRequirement): LintRule {
  return {
    name: requirement.name,
    severity: "error",
    description: requirement.description,
    docs: ruleDocs(requirement.name),
    category: "reliability",
    recommended: true,
    rationale: requirement.rationale,
    examples: requirement.examples,
    check({ set, report }) {
      for (const route of set.routes.values()) {
        if (requirement.present(route.value.spec) || !isSideEffecting(set, route)) continue;
        report({ document: route, path: requirement.path, part: "key", message: requirement.missing });
      }
    },
  };
}
