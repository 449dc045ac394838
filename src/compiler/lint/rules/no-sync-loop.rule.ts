/**
 * Ownership: no sync loop. When one route carries an entity's changes from A to B and another
 * carries them from B back to A, each change would bounce forever unless a route declares
 * `guard.ignoreOrigin`.
 */
import type { BoundDocument } from "../../check/spec-set.ts";
import { deliveries, originSystems, writes } from "../queries.ts";
import { type LintRule, ruleDocs } from "../rule.ts";

interface Flow {
  route: BoundDocument<"Route">;
  from: string;
  to: string;
  entity: string;
}

function guarded(flow: Flow, against: string): boolean {
  return (flow.route.value.spec.guard?.ignoreOrigin ?? []).includes(against);
}

export const noSyncLoopRule: LintRule = {
  name: "no-sync-loop",
  severity: "error",
  description: "No two routes carry an entity's changes from one system to another and back without a loop guard.",
  docs: ruleDocs("no-sync-loop"),
  category: "ownership",
  recommended: true,
  rationale:
    "When one route carries changes from A to B and another from B back to A, every change echoes forever, burning API quota and rewriting records. A guard that ignores changes originating in the target breaks the loop.",
  examples: {
    failing: "# route psa-to-erp: psa.projectChanged -> erp.updateProject\n# route erp-to-psa: erp.projectChanged -> psa.updateProject\nspec:\n  trigger: { event: psa.projectChanged }",
    passing: "spec:\n  trigger: { event: psa.projectChanged }\n  guard: { ignoreOrigin: [erp] }",
  },
  check({ set, report }) {
    const flows: Flow[] = [];
    const seen = new Set<string>();
    for (const d of deliveries(set)) {
      const entity = d.operation?.entity;
      if (!writes(d.operation) || entity === undefined) continue;
      for (const from of originSystems(set, d.route)) {
        const id = `${d.route.name}\u0000${from}\u0000${d.system}\u0000${entity}`;
        if (from === d.system || seen.has(id)) continue;
        seen.add(id);
        flows.push({ route: d.route, from, to: d.system, entity });
      }
    }
    const byDirection = new Map<string, Flow[]>();
    for (const flow of flows) {
      const key = `${flow.entity}\u0000${flow.from}\u0000${flow.to}`;
      byDirection.set(key, [...(byDirection.get(key) ?? []), flow]);
    }
    const reported = new Set<string>();
    for (const flow of flows) {
      for (const back of byDirection.get(`${flow.entity}\u0000${flow.to}\u0000${flow.from}`) ?? []) {
        if (guarded(flow, flow.to) || guarded(back, back.to)) continue;
        const id = `${flow.route.name}\u0000${flow.entity}\u0000${flow.to}`;
        if (reported.has(id)) continue;
        reported.add(id);
        const other = back.route === flow.route ? "it also" : `route ${back.route.name}`;
        report({
          document: flow.route,
          path: ["spec", "trigger"],
          part: "key",
          message: `sync loop: this route carries ${flow.entity} from ${flow.from} to ${flow.to} and ${other} carries it back; declare guard.ignoreOrigin: [${flow.to}]`,
        });
      }
    }
  },
};
