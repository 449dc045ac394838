/** generated/index.ts: the `CompiledSpecSet` of the whole spec set, importing every module. */
import { constStatement, type EmitValue, pascalName, ref, writeNamespaceImport } from "./literals.ts";
import type { EmitPlan } from "./plan.ts";
import type { EmitProject, EmittedFile } from "./source.ts";

/** Builds generated/index.ts. */
export function indexModule(project: EmitProject, plan: EmitPlan): EmittedFile {
  const imports: [string, string][] = [];
  const section = (prefix: string, folder: string, table: EmitPlan["systems"], member: string): Record<string, EmitValue> => {
    const out: Record<string, EmitValue> = {};
    for (const planned of table.values()) {
      const alias = `${prefix}${pascalName(planned.file)}`;
      imports.push([alias, `./${folder}/${planned.file}.ts`]);
      out[planned.name] = ref(`${alias}.${member}`);
    }
    return out;
  };
  const systems = section("system", "systems", plan.systems, "system");
  const validators = section("entity", "entities", plan.entities, "validate");
  const transforms = section("mapping", "mappings", plan.mappings, "transform");
  const pipelines = Object.values(section("route", "routes", plan.routes, "pipeline"));
  return project.written("index.ts", plan.setPath, (writer) => {
    writeNamespaceImport(writer, "rt", "syncspec/runtime", true);
    for (const [alias, path] of imports) writeNamespaceImport(writer, alias, path);
    writer.blankLine();
    constStatement("specSet", "rt.CompiledSpecSet", { systems, pipelines, transforms, validators }, "Everything the runtime needs from this spec set.")(writer);
    writer.newLine().writeLine("export default specSet;");
  });
}
