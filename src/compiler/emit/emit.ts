/**
 * The emit stage: from a checked program, every file of the generated output, in a stable order.
 * TypeScript goes through ts-morph (typescript/), JSON Schema and AsyncAPI through schema/.
 * Emitting is pure: it returns files; writing, checking and watching are in write.ts.
 */
import type { BoundDocument } from "../check/spec-set.ts";
import { lowerSpecSet } from "../lower/lower.ts";
import type { Program } from "../program.ts";
import { manifestFile } from "./manifest.ts";
import { entitySchemaFiles } from "./schema/entity-schema.ts";
import { asyncApiFile } from "./schema/asyncapi.ts";
import { entityFiles } from "./typescript/entities.ts";
import { indexModule } from "./typescript/index-module.ts";
import { mappingFiles } from "./typescript/mappings.ts";
import { planEmit } from "./typescript/plan.ts";
import { routeFiles } from "./typescript/routes.ts";
import { createEmitProject, type EmittedFile } from "./typescript/source.ts";
import { supportModule } from "./typescript/support.ts";
import { systemFiles } from "./typescript/systems.ts";

export type { EmittedFile } from "./typescript/source.ts";

/** Which spec documents an emit covers, for incremental re-emits; all of them by default. */
export interface EmitOptions {
  /** Only the files of these documents; support.ts and index.ts are always produced. */
  only?: (doc: BoundDocument) => boolean;
  /** Whether to produce asyncapi.yaml (default true). */
  asyncApi?: boolean;
}

/** Emits the output of a program that loaded without errors. Files are sorted by path. */
export function emitProgram(program: Program, options: EmitOptions = {}): EmittedFile[] {
  const { set } = program;
  const plan = planEmit(set, program.config.root, program.config.specs);
  const lowered = lowerSpecSet(set, program.config.root);
  const project = createEmitProject();
  const wanted = (doc: BoundDocument) => options.only === undefined || options.only(doc);
  const files: EmittedFile[] = [supportModule(project, plan.setPath), indexModule(project, plan), manifestFile(lowered, plan)];
  if (options.asyncApi !== false) files.push(asyncApiFile(set, plan));
  for (const entity of set.entities.values()) {
    if (!wanted(entity)) continue;
    const validator = lowered.validators[entity.name];
    if (validator === undefined) throw new Error(`entity ${entity.name} is not lowered`);
    files.push(...entityFiles(project, plan, entity, validator), ...entitySchemaFiles(plan, entity));
  }
  for (const system of set.systems.values()) {
    const definition = lowered.systems[system.name];
    if (definition === undefined) throw new Error(`system ${system.name} is not lowered`);
    if (wanted(system)) files.push(...systemFiles(project, plan, system, definition));
  }
  for (const mapping of set.mappings.values()) if (wanted(mapping)) files.push(...mappingFiles(project, plan, set, mapping));
  for (const pipeline of lowered.pipelines) {
    const route = set.routes.get(pipeline.route);
    if (route !== undefined && wanted(route)) files.push(...routeFiles(project, plan, pipeline));
  }
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
