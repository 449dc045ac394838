/**
 * The naming plan of one emit: the file each entity, system, mapping and route goes to, derived
 * from its name and made unique. Names are visited in sorted order, so the plan (and therefore
 * the output) depends only on the spec set.
 */
import type { BoundDocument, SpecSet } from "../../check/spec-set.ts";
import { specPathOf } from "../../lower/paths.ts";
import { kebabName, pascalName } from "./literals.ts";

/** Where one document's generated code lives. */
export interface Planned {
  name: string;
  /** File base below its folder, without extension: `time-entry`. */
  file: string;
  /** The spec file, relative to the project root, with `/` separators. */
  specPath: string;
}

/** The plan for a whole spec set. */
export interface EmitPlan {
  root: string;
  /** The spec roots, relative to the project root, for files that come from the whole set. */
  setPath: string;
  entities: Map<string, Planned & { typeName: string }>;
  systems: Map<string, Planned>;
  mappings: Map<string, Planned>;
  routes: Map<string, Planned>;
}


function unique(used: Set<string>, base: string): string {
  let name = base;
  for (let n = 2; used.has(name.toLowerCase()); n++) name = `${base}-${n}`;
  used.add(name.toLowerCase());
  return name;
}

function planOf(root: string, docs: ReadonlyMap<string, BoundDocument>): Map<string, Planned> {
  const used = new Set<string>();
  const out = new Map<string, Planned>();
  for (const name of [...docs.keys()].sort()) {
    const doc = docs.get(name) as BoundDocument;
    out.set(name, { name, file: unique(used, kebabName(name)), specPath: specPathOf(root, doc.source.file.path) });
  }
  return out;
}

/** Plans the files of a spec set. */
export function planEmit(set: SpecSet, root: string, specRoots: readonly string[]): EmitPlan {
  const typeNames = new Set<string>();
  const entities = new Map<string, Planned & { typeName: string }>();
  for (const [name, planned] of planOf(root, set.entities)) {
    let typeName = pascalName(name);
    for (let n = 2; typeNames.has(typeName); n++) typeName = `${pascalName(name)}${n}`;
    typeNames.add(typeName);
    entities.set(name, { ...planned, typeName });
  }
  return {
    root,
    setPath: specRoots.map((r) => specPathOf(root, r)).join(", "),
    entities,
    systems: planOf(root, set.systems),
    mappings: planOf(root, set.mappings),
    routes: planOf(root, set.routes),
  };
}
