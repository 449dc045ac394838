/** The mappings section of `spec docs`: each mapping's shapes, lookups, routes, field lineage and tests. */
import type { MappingSpec, Shape } from "../../../model/index.ts";
import { type BoundDocument, forEachStep, type SpecSet } from "../../check/spec-set.ts";
import { mappingLineage } from "./lineage.ts";

const shapeName = (shape: Shape) => (shape.entity !== undefined ? shape.entity : `${shape.system ?? "?"}.${shape.schema ?? "?"}`);

function lookupText(lookup: NonNullable<MappingSpec["lookups"]>[string]): string {
  return lookup.kind === "xref" ? `the ${lookup.to ?? "?"} id of a ${lookup.from ?? "?"} ${lookup.entity}` : `${lookup.entity} reference data`;
}

/** Per mapping, the routes that apply it (a map step) or deliver through it. */
function routesByMapping(set: SpecSet): Map<string, string[]> {
  const used = new Map<string, string[]>();
  for (const route of [...set.routes.values()].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const names = new Set<string>();
    forEachStep(route, (step) => {
      const map = step["map"];
      const deliver = step["deliver"] as { mapping?: string } | undefined;
      if (typeof map === "string") names.add(map);
      if (deliver?.mapping !== undefined) names.add(deliver.mapping);
    });
    for (const name of names) used.set(name, [...(used.get(name) ?? []), route.name]);
  }
  return used;
}

/** The template data of one mapping. */
function mappingView(mapping: BoundDocument<"Mapping">, routes: readonly string[], anchor: (kind: string, name: string) => string) {
  const spec = mapping.value.spec;
  const tests = (spec.tests ?? []).map((t, i) => ({ number: i + 1, name: t.name }));
  const numbers = new Map(tests.map((t) => [t.name, t.number]));
  return {
    anchor: anchor("mapping", mapping.name),
    name: mapping.name,
    version: mapping.value.metadata.version ?? "",
    description: mapping.value.metadata.description ?? "",
    source: shapeName(spec.source),
    target: shapeName(spec.target),
    lookups: Object.entries(spec.lookups ?? {}).map(([name, lookup]) => ({ name, what: lookupText(lookup) })),
    routes: routes.map((name) => ({ name, anchor: anchor("route", name) })),
    lineage: mappingLineage(spec).map((row) => ({
      target: row.target,
      sources: row.sources,
      expression: row.expression,
      where: row.where,
      tests: row.tests.map((name) => numbers.get(name)).join(", "),
    })),
    tests,
  };
}

/** Every mapping, in name order. */
export function mappingsView(set: SpecSet, anchor: (kind: string, name: string) => string) {
  const used = routesByMapping(set);
  return [...set.mappings.values()].sort((a, b) => (a.name < b.name ? -1 : 1)).map((m) => mappingView(m, used.get(m.name) ?? [], anchor));
}
