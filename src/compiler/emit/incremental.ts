/**
 * Incremental emit for watch mode: after an edit, only the documents in the changed files (and
 * the mappings typed by a changed system or entity) are emitted again, as long as the naming plan
 * is the same; a change to the plan (a name added, removed or renamed) re-emits everything.
 */
import type { BoundDocument } from "../check/spec-set.ts";
import type { Program } from "../program.ts";
import { emitProgram, type EmittedFile } from "./emit.ts";
import { type EmitPlan, planEmit } from "./typescript/plan.ts";

/** The output of the last emit, kept between recompiles. */
export interface EmitState {
  plan: string;
  files: Map<string, string>;
}

/** What one incremental emit changes. */
export interface IncrementalResult {
  state: EmitState;
  /** Files to write (new or changed text). */
  write: EmittedFile[];
  /** Files to remove. */
  remove: string[];
}

const FOLDERS = { Entity: ["entities", "schemas"], System: ["systems"], Mapping: ["mappings"], Route: ["routes"] } as const;

function planKey(plan: EmitPlan): string {
  const part = (m: ReadonlyMap<string, object>) => [...m.entries()].map(([k, v]) => [k, v]);
  return JSON.stringify([plan.setPath, part(plan.entities), part(plan.systems), part(plan.mappings), part(plan.routes)]);
}

function full(program: Program, plan: string, previous: EmitState | undefined): IncrementalResult {
  const files = emitProgram(program);
  const next = new Map(files.map((f) => [f.path, f.text]));
  const write = files.filter((f) => previous?.files.get(f.path) !== f.text);
  const remove = previous === undefined ? [] : [...previous.files.keys()].filter((p) => !next.has(p));
  return { state: { plan, files: next }, write, remove };
}

/** Emits what `changed` (absolute spec file paths) affects, given the previous state. */
export function emitIncrementally(program: Program, previous: EmitState | undefined, changed: ReadonlySet<string>): IncrementalResult {
  const plan = planEmit(program.set, program.config.root, program.config.specs);
  const key = planKey(plan);
  if (previous === undefined || previous.plan !== key) return full(program, key, previous);
  const direct = program.set.documents.filter((d) => changed.has(d.source.file.path));
  const shapes = new Set(direct.filter((d) => d.kind === "System" || d.kind === "Entity").map((d) => `${d.kind}:${d.name}`));
  const affected = (doc: BoundDocument): boolean => {
    if (changed.has(doc.source.file.path)) return true;
    if (doc.kind !== "Mapping") return false;
    const spec = (doc as BoundDocument<"Mapping">).value.spec;
    return [spec.source, spec.target].some((s) => shapes.has(s.entity !== undefined ? `Entity:${s.entity}` : `System:${s.system ?? ""}`));
  };
  const asyncApi = direct.some((d) => d.kind === "System" || d.kind === "Entity" || d.kind === "Route");
  const files = emitProgram(program, { only: affected, asyncApi });
  const prefixes: string[] = [];
  const tables: Record<string, ReadonlyMap<string, { file: string }>> = { Entity: plan.entities, System: plan.systems, Mapping: plan.mappings, Route: plan.routes };
  for (const doc of program.set.documents) {
    const folders = FOLDERS[doc.kind as keyof typeof FOLDERS];
    const planned = tables[doc.kind]?.get(doc.name);
    if (folders === undefined || planned === undefined || !affected(doc)) continue;
    for (const folder of folders) prefixes.push(`${folder}/${planned.file}.`);
  }
  const produced = new Set(files.map((f) => f.path));
  const next = new Map(previous.files);
  const remove = [...previous.files.keys()].filter((p) => !produced.has(p) && prefixes.some((prefix) => p.startsWith(prefix)));
  for (const path of remove) next.delete(path);
  const write = files.filter((f) => previous.files.get(f.path) !== f.text);
  for (const f of files) next.set(f.path, f.text);
  return { state: { plan: key, files: next }, write, remove };
}
