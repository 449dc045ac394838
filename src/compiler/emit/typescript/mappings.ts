/**
 * Per mapping: `mappings/<name>.ts`, a typed transform `(input: Source, lookups) => Target` around
 * the mapping's JSONata, compiled ahead of time into `<name>.expr.js` by the JSONata compiler.
 */
import type { JsonSchema, Shape } from "../../../model/index.ts";
import type { BoundDocument, SpecSet } from "../../check/spec-set.ts";
import { EXPRESSION_DECLARATIONS, expressionModule } from "./expressions.ts";
import { commentText, headerLine, stringLiteral, typeKey, writeDoc, writeInterface, writeNamespaceImport } from "./literals.ts";
import type { EmitPlan } from "./plan.ts";
import type { EmitProject, EmittedFile } from "./source.ts";
import { schemaTypeNames } from "./systems.ts";

/** The TypeScript type of a mapping's source or target, imported from the module that declares it. */
export function shapeTypeOf(set: SpecSet, plan: EmitPlan, shape: Shape, from: string): string {
  if (shape.entity !== undefined) {
    const entity = plan.entities.get(shape.entity);
    return entity === undefined ? "unknown" : `import(${JSON.stringify(`${from}/entities/${entity.file}.ts`)}).${entity.typeName}`;
  }
  const system = shape.system === undefined ? undefined : set.systems.get(shape.system);
  const planned = shape.system === undefined ? undefined : plan.systems.get(shape.system);
  if (system === undefined || planned === undefined || shape.schema === undefined) return "unknown";
  const typeName = schemaTypeNames((system.value.spec.schemas ?? {}) as Record<string, JsonSchema>).get(shape.schema);
  return typeName === undefined ? "unknown" : `import(${JSON.stringify(`${from}/systems/${planned.file}.ts`)}).${typeName}`;
}

/** Emits the files of one mapping. */
export function mappingFiles(project: EmitProject, plan: EmitPlan, set: SpecSet, mapping: BoundDocument<"Mapping">): EmittedFile[] {
  const planned = plan.mappings.get(mapping.name);
  if (planned === undefined) throw new Error(`mapping ${mapping.name} is not planned`);
  const { file, specPath } = planned;
  const spec = mapping.value.spec;
  const description = mapping.value.metadata.description;
  const module = project.written(`mappings/${file}.ts`, specPath, (writer) => {
    writeNamespaceImport(writer, "rt", "syncspec/runtime", true);
    writeNamespaceImport(writer, "compiled", `./${file}.expr.js`);
    writer.blankLine();
    writeDoc(writer, "The record the mapping reads.");
    writer.writeLine(`export type Source = ${shapeTypeOf(set, plan, spec.source, "..")};`);
    writeDoc(writer, "The record the mapping produces.");
    writer.writeLine(`export type Target = ${shapeTypeOf(set, plan, spec.target, "..")};`);
    writer.blankLine();
    const lookups = Object.entries(spec.lookups ?? {}).map(([name, lookup]) => ({ key: typeKey(name), optional: true, type: "unknown", doc: lookup.description }));
    writeInterface(writer, "Lookups", "Values bound to the mapping's lookups, read as `$name` in the expression.", lookups);
    writer.blankLine();
    writeDoc(writer, description === undefined || commentText(description) === "" ? "Applies the mapping." : description);
    writer.write("export function map(input: Source, lookups: Lookups = {}): Target {").newLine();
    writer.indent(() => writer.writeLine("return compiled.evaluate(input, lookups as Readonly<Record<string, unknown>>) as Target;"));
    writer.writeLine("}");
    writer.blankLine();
    writeDoc(writer, "The mapping as the runtime's `Transform`.");
    writer.writeLine(
      `export const transform: rt.Transform = { name: ${stringLiteral(mapping.name)}, evaluate: (input, bindings) => compiled.evaluate(input, bindings) };`,
    );
  });
  return [
    module,
    { path: `mappings/${file}.expr.js`, text: expressionModule(spec.expression, headerLine(specPath)) },
    project.structure(`mappings/${file}.expr.d.ts`, specPath, { statements: EXPRESSION_DECLARATIONS }),
  ];
}
