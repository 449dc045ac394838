/**
 * Per mapping: `mappings/<name>.ts`, a typed transform `(input: Source, lookups) => Target` around
 * the mapping's JSONata, compiled ahead of time into `<name>.expr.js` by the JSONata compiler.
 */
import { StructureKind, VariableDeclarationKind } from "ts-morph";
import type { JsonSchema, Shape } from "../../../model/index.ts";
import type { BoundDocument, SpecSet } from "../../check/spec-set.ts";
import { EXPRESSION_DECLARATIONS, expressionModule } from "./expressions.ts";
import { commentText, headerLine, typeKey, valueWriter } from "./literals.ts";
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
  const module = project.structure(`mappings/${file}.ts`, specPath, {
    statements: [
      { kind: StructureKind.ImportDeclaration, isTypeOnly: true, moduleSpecifier: "syncspec/runtime", namespaceImport: "rt" },
      { kind: StructureKind.ImportDeclaration, moduleSpecifier: `./${file}.expr.js`, namespaceImport: "compiled" },
      { kind: StructureKind.TypeAlias, isExported: true, name: "Source", docs: ["The record the mapping reads."], type: shapeTypeOf(set, plan, spec.source, "..") },
      { kind: StructureKind.TypeAlias, isExported: true, name: "Target", docs: ["The record the mapping produces."], type: shapeTypeOf(set, plan, spec.target, "..") },
      {
        kind: StructureKind.Interface,
        isExported: true,
        name: "Lookups",
        docs: ["Values bound to the mapping's lookups, read as `$name` in the expression."],
        properties: Object.entries(spec.lookups ?? {}).map(([name, lookup]) => ({
          name: typeKey(name),
          type: "unknown",
          hasQuestionToken: true,
          docs: lookup.description === undefined || commentText(lookup.description) === "" ? [] : [commentText(lookup.description)],
        })),
      },
      {
        kind: StructureKind.Function,
        isExported: true,
        name: "map",
        docs: [description === undefined || commentText(description) === "" ? "Applies the mapping." : commentText(description)],
        parameters: [
          { name: "input", type: "Source" },
          { name: "lookups", type: "Lookups", initializer: "{}" },
        ],
        returnType: "Target",
        statements: ["return compiled.evaluate(input, lookups as Readonly<Record<string, unknown>>) as Target;"],
      },
      {
        kind: StructureKind.VariableStatement,
        isExported: true,
        declarationKind: VariableDeclarationKind.Const,
        docs: ["The mapping as the runtime's `Transform`."],
        declarations: [
          {
            name: "transform",
            type: "rt.Transform",
            initializer: (writer) => {
              writer.write("{ name: ");
              valueWriter(mapping.name)(writer);
              writer.write(", evaluate: (input, bindings) => compiled.evaluate(input, bindings) }");
            },
          },
        ],
      },
    ],
  });
  return [
    module,
    { path: `mappings/${file}.expr.js`, text: expressionModule(spec.expression, headerLine(specPath)) },
    project.structure(`mappings/${file}.expr.d.ts`, specPath, { statements: EXPRESSION_DECLARATIONS }),
  ];
}
