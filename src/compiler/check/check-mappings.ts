/** Mapping documents: their shapes resolve, their lookups name real things, their JSONata parses. */
import type { Shape } from "../../model/index.ts";
import { diagnostic } from "../diagnostics/diagnostic.ts";
import { checkJsonata } from "./check-jsonata.ts";
import { checkMappingTypes } from "./mapping-types/check-mapping-types.ts";
import { type CheckContext, expectName } from "./report.ts";
import type { BoundDocument } from "./spec-set.ts";

/** Checks a `{entity}` or `{system, schema}` shape written at `spec.<side>`. */
export function checkShape(cx: CheckContext, doc: BoundDocument, path: (string | number)[], shape: Shape): void {
  const hasEntity = shape.entity !== undefined;
  const hasSystem = shape.system !== undefined || shape.schema !== undefined;
  if (hasEntity === hasSystem || (hasSystem && (shape.system === undefined || shape.schema === undefined))) {
    cx.report(diagnostic("shape-kind", { where: path.join(".") }, doc.source.locate(path)));
    return;
  }
  if (shape.entity !== undefined) {
    expectName(cx, doc, [...path, "entity"], "entity", shape.entity, cx.set.entities.keys(), { kind: "Entity" });
    return;
  }
  const system = cx.set.systems.get(shape.system ?? "");
  if (system === undefined) {
    expectName(cx, doc, [...path, "system"], "system", shape.system ?? "", cx.set.systems.keys(), { kind: "System" });
    return;
  }
  expectName(cx, doc, [...path, "schema"], "schema", shape.schema ?? "", Object.keys(system.value.spec.schemas ?? {}), {
    scope: `system ${system.name}`,
  });
}

/** Checks one Mapping document. */
export function checkMapping(cx: CheckContext, doc: BoundDocument<"Mapping">): void {
  const spec = doc.value.spec;
  checkShape(cx, doc, ["spec", "source"], spec.source);
  checkShape(cx, doc, ["spec", "target"], spec.target);
  for (const [name, lookup] of Object.entries(spec.lookups ?? {})) {
    const at = ["spec", "lookups", name];
    expectName(cx, doc, [...at, "entity"], "entity", lookup.entity, cx.set.entities.keys(), { kind: "Entity" });
    for (const side of ["from", "to"] as const) {
      const system = lookup[side];
      if (system !== undefined) expectName(cx, doc, [...at, side], "system", system, cx.set.systems.keys(), { kind: "System" });
    }
  }
  checkMappingTypes(cx, doc, checkJsonata(cx, doc, ["spec", "expression"], spec.expression));
}
