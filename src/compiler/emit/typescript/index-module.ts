/** generated/index.ts: the `CompiledSpecSet` of the whole spec set, importing every module. */
import { StructureKind, VariableDeclarationKind, type StatementStructures } from "ts-morph";
import type { EmitValue } from "./literals.ts";
import { ref, valueWriter } from "./literals.ts";
import type { EmitPlan } from "./plan.ts";
import type { EmitProject, EmittedFile } from "./source.ts";

/** Builds generated/index.ts. */
export function indexModule(project: EmitProject, plan: EmitPlan): EmittedFile {
  const statements: StatementStructures[] = [
    { kind: StructureKind.ImportDeclaration, isTypeOnly: true, moduleSpecifier: "syncspec/runtime", namespaceImport: "rt" },
  ];
  const section = (prefix: string, folder: string, table: EmitPlan["systems"], member: string): Record<string, EmitValue> => {
    const out: Record<string, EmitValue> = {};
    [...table.values()].forEach((planned, index) => {
      const alias = `${prefix}${index}`;
      statements.push({ kind: StructureKind.ImportDeclaration, moduleSpecifier: `./${folder}/${planned.file}.ts`, namespaceImport: alias });
      out[planned.name] = ref(`${alias}.${member}`);
    });
    return out;
  };
  const systems = section("system", "systems", plan.systems, "system");
  const validators = section("entity", "entities", plan.entities, "validate");
  const transforms = section("mapping", "mappings", plan.mappings, "transform");
  const pipelines = Object.values(section("route", "routes", plan.routes, "pipeline"));
  statements.push({
    kind: StructureKind.VariableStatement,
    isExported: true,
    declarationKind: VariableDeclarationKind.Const,
    docs: ["Everything the runtime needs from this spec set."],
    declarations: [{ name: "specSet", type: "rt.CompiledSpecSet", initializer: valueWriter({ systems, pipelines, transforms, validators }) }],
  });
  statements.push({ kind: StructureKind.ExportAssignment, isExportEquals: false, expression: "specSet" });
  return project.structure("index.ts", plan.setPath, { statements });
}
