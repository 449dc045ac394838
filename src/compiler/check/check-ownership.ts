/** Ownership documents: the entity, the systems and the field paths they name. */
import { type CheckContext, expectFieldPath, expectName } from "./report.ts";
import { entityShape } from "./shapes.ts";
import type { BoundDocument } from "./spec-set.ts";

/** Checks one Ownership document. */
export function checkOwnership(cx: CheckContext, doc: BoundDocument<"Ownership">): void {
  const spec = doc.value.spec;
  const systems = [...cx.set.systems.keys()];
  const system = (path: (string | number)[], name: string) => expectName(cx, doc, path, "system", name, systems, { kind: "System" });
  system(["spec", "systemOfRecord"], spec.systemOfRecord);
  for (const list of ["create", "update", "replicas"] as const) spec[list]?.forEach((s, i) => system(["spec", list, i], s));
  const entity = cx.set.entities.get(spec.entity);
  if (entity === undefined) {
    expectName(cx, doc, ["spec", "entity"], "entity", spec.entity, cx.set.entities.keys(), { kind: "Entity" });
    return;
  }
  const shape = entityShape(entity.name, entity.value.spec);
  for (const [path, owner] of Object.entries(spec.fields ?? {})) {
    expectFieldPath(cx, doc, ["spec", "fields", path], path, shape, "key");
    system(["spec", "fields", path, "systemOfRecord"], owner.systemOfRecord);
    owner.update?.forEach((s, i) => system(["spec", "fields", path, "update", i], s));
    owner.replicas?.forEach((s, i) => system(["spec", "fields", path, "replicas", i], s));
  }
}
